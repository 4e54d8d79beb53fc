import { splitFrontMatter } from "./frontmatter.js";

/**
 * The text with everything after the front-matter replaced by `body`, in the file's line
 * ending; the front-matter stays byte for byte. Pure.
 */
export function replaceBody(text: string, body: string, file: string): string {
  const split = splitFrontMatter(text, file);
  const normalised = body.replace(/\r\n?/g, "\n").replace(/\n*$/, "");
  const next = normalised === "" ? "" : `${normalised.replace(/\n/g, split.eol)}${split.eol}`;
  return text.slice(0, split.bodyStart) + next;
}

/**
 * `labels+=x` / `labels-=x`: a list field with one item added (once) or removed. A field that is
 * not a list cannot take an item: that is an error for the caller to report. Pure.
 */
export function changeListItem(current: unknown, op: "+" | "-", item: unknown): unknown[] | undefined {
  const list = current === undefined || current === null ? [] : current;
  if (!Array.isArray(list)) return undefined;
  const same = (value: unknown) => value === item || String(value) === String(item);
  if (op === "+") return list.some(same) ? list : [...list, item];
  return list.filter((value) => !same(value));
}
