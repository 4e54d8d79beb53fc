/**
 * Three-way line merge with beadboard's conflict policy on top of node-diff3. Lines keep their
 * line breaks, so a merge that takes one side's lines gives back that side's bytes. Where both
 * sides changed the same lines differently, nothing is dropped: both versions are kept one after
 * the other (ours first), or for append-mostly files (memory/) ours and then the lines of theirs
 * that ours does not have.
 */
import { diff3Merge } from "node-diff3";

/** What to do where both sides changed the same region differently. */
export type ConflictStyle = "keep-both" | "union";

export interface Merge3Result {
  text: string;
  /** How many regions of the base both sides changed differently (each resolved by `style`). */
  conflicts: number;
  /** How many places both sides inserted different lines into (kept both, ours first, or as `style` says). */
  insertions: number;
}

/** `text` as lines, each with its line break; the last line may lack one. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    if (nl === -1) {
      if (start < text.length) lines.push(text.slice(start));
      return lines;
    }
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
}

/** Three-way merge of texts by lines. */
export function merge3(base: string, ours: string, theirs: string, style: ConflictStyle = "keep-both"): Merge3Result {
  if (ours === theirs || theirs === base) return { text: ours, conflicts: 0, insertions: 0 };
  if (ours === base) return { text: theirs, conflicts: 0, insertions: 0 };
  const regions = diff3Merge(splitLines(ours), splitLines(base), splitLines(theirs), { excludeFalseConflicts: true });
  const out: string[] = [];
  let conflicts = 0;
  let insertions = 0;
  for (const region of regions) {
    if (region.ok) {
      out.push(...region.ok);
      continue;
    }
    const { a, o, b } = region.conflict!;
    if (same(a, b)) {
      out.push(...a);
      continue;
    }
    if (o.length === 0) insertions++;
    else conflicts++;
    out.push(...a, ...(style === "union" ? unseen(b, a) : b));
  }
  return { text: join(out, eolOf(ours)), conflicts, insertions };
}

function same(x: readonly string[], y: readonly string[]): boolean {
  return x.length === y.length && x.every((line, index) => line === y[index]);
}

/** Lines of `y` whose text `x` does not already have (for memory files: both sides' notes, once). */
function unseen(y: readonly string[], x: readonly string[]): string[] {
  const have = new Set(x.map((line) => line.replace(/\r?\n$/, "").trim()));
  return y.filter((line) => !have.has(line.replace(/\r?\n$/, "").trim()));
}

/** Concatenate lines; a line that lost its place at the end of a file gets its line break back. */
function join(lines: readonly string[], eol: string): string {
  let text = "";
  lines.forEach((line, index) => {
    text += index < lines.length - 1 && !line.endsWith("\n") ? line + eol : line;
  });
  return text;
}

function eolOf(text: string): string {
  const nl = text.indexOf("\n");
  return nl > 0 && text.charAt(nl - 1) === "\r" ? "\r\n" : "\n";
}
