import { InvalidArgumentError } from "../errors.js";
import { detectEol, ISO_DATE, outline, scan, unescapeMarkdown } from "./markdown.js";
import { datedSections, isPlainDaySection } from "./sections.js";

export interface MemoryNote {
  text: string;
  beadId?: string;
}

const LINE_BREAK = /[ \t]*(?:\r\n|[\r\n\v\f\u0085\u2028\u2029])\s*/g;

function oneLine(text: string): string {
  return text.replace(LINE_BREAK, " ").trim();
}

/**
 * Note text is model output, so it must stay inside its bullet: a leading `#` would read as a
 * heading to a person, and a leading marker of another block (quote, list, rule, fence, HTML,
 * link definition) would turn the bullet into something else. A backslash keeps the character
 * and makes it literal. Inline syntax such as `**bold**` or `code` is left alone.
 */
function escapeLeading(text: string): string {
  if (/^[#>]/.test(text)) return `\\${text}`;
  if (/^([-*_])(?:[ \t]*\1){2,}[ \t]*$/.test(text)) return `\\${text}`;
  if (/^[-*+](?:[ \t]|$)/.test(text)) return `\\${text}`;
  if (/^(?:`{3,}|~{3,})/.test(text)) return `\\${text}`;
  if (/^<[A-Za-z/!?]/.test(text)) return `\\${text}`;
  if (/^\[[^\]]*\]:/.test(text)) return `\\${text}`;
  return text.replace(/^(\d{1,9})([.)])(?=[ \t]|$)/, "$1\\$2");
}

/** Trimmed, case-insensitive, whitespace collapsed, escapes undone: how duplicates are found. */
function noteKey(source: string): string {
  return unescapeMarkdown(source).replace(/\s+/g, " ").trim().toLowerCase();
}

/** A trailing `(bead-id)`, so a note recorded for one bead is not added again for another. */
function withoutIdSuffix(key: string): string {
  return key.replace(/\s*\([a-z0-9][a-z0-9._-]*\)$/, "");
}

function renderNote(note: MemoryNote): { line: string; key: string } | undefined {
  const beadId = oneLine(note.beadId ?? "").replace(/[()\s]/g, "");
  let text = oneLine(note.text).replace(/^[-*+][ \t]+/, "");
  // Models often repeat the bead id themselves; one suffix is enough.
  const suffix = `(${beadId})`.toLowerCase();
  if (beadId && text.toLowerCase().endsWith(suffix)) text = text.slice(0, -suffix.length).trimEnd();
  if (!text) return undefined;
  const body = escapeLeading(text);
  return { line: `- ${body}${beadId ? ` (${beadId})` : ""}`, key: noteKey(body) };
}

/**
 * Append notes under a `## <date>` heading: the last section is reused when it is a plain
 * `## <date>` section that runs to the end of the file, otherwise a new heading is added at the
 * end. Notes already present anywhere in the file (as list items) are skipped. Existing text is
 * never touched: new lines go after the last line that has content, before any trailing blank
 * lines, in the file's own line ending.
 *
 * Throws InvalidArgumentError when the file ends inside a block that would swallow the new
 * lines (an unclosed code fence or HTML comment): writing there would lose the notes silently.
 */
export function appendNotes(text: string, notes: MemoryNote[], date: string): { text: string; added: number } {
  if (!ISO_DATE.test(date)) throw new InvalidArgumentError(`memory date must be YYYY-MM-DD, got ${JSON.stringify(date)}`, { date });
  const known = new Set<string>();
  for (const item of outline(text).items) {
    const key = noteKey(item.source);
    if (key) known.add(key).add(withoutIdSuffix(key));
  }
  const lines: string[] = [];
  for (const note of notes) {
    const rendered = renderNote(note);
    if (!rendered || known.has(rendered.key)) continue;
    known.add(rendered.key);
    lines.push(rendered.line);
  }
  if (lines.length === 0) return { text, added: 0 };

  const eol = detectEol(text);
  const bullets = lines.join(eol) + eol;
  const last = datedSections(text).sections.at(-1);
  const reuse = last !== undefined && last.end === text.length && isPlainDaySection(last, date);
  let head: string;
  let out: string;
  if (reuse) {
    const lineEnd = text.indexOf("\n", text.trimEnd().length);
    head = lineEnd === -1 ? text + eol : text.slice(0, lineEnd + 1);
    out = head + bullets + text.slice(head.length);
  } else {
    head = text;
    if (head && !head.endsWith("\n")) head += eol;
    if (head.trim() && !/\n[ \t]*\r?\n$/.test(head)) head += eol;
    out = `${head}## ${date}${eol}${bullets}`;
  }
  assertAppended(out, outline(text).lastBlockLine, head.length, reuse ? undefined : date, lines.length);
  return { text: out, added: lines.length };
}

/**
 * Re-parse from the last top-level block of the old text (no container is open there, so the
 * structure from that point on is what a full parse would find, at a fraction of the cost) and
 * check that the new lines came out as the new heading, if any, and one list item per note.
 */
function assertAppended(out: string, from: number, at: number, newHeading: string | undefined, count: number): void {
  const { headings, items } = scan(out.slice(from));
  const later = headings.filter((heading) => heading.line >= at - from);
  const headingOk =
    newHeading === undefined
      ? later.length === 0
      : later.length === 1 && later[0]?.line === at - from && later[0].text === newHeading;
  if (headingOk && items.filter((item) => item.start >= at - from).length === count) return;
  throw new InvalidArgumentError(
    "memory file ends inside an open block (an unclosed ``` fence or HTML comment); close it so notes can be appended",
    { date: newHeading },
  );
}
