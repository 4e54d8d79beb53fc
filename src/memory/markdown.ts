import remarkParse from "remark-parse";
import { unified } from "unified";

/**
 * The slice of an mdast node this module reads. Declared here so the memory code depends on
 * the shape it uses, not on @types/mdast (a transitive package, not one of ours).
 */
export interface MdNode {
  type: string;
  depth?: number;
  value?: string;
  children?: MdNode[];
  position?: { start: { offset?: number }; end: { offset?: number } };
}

const parser = unified().use(remarkParse);
const BOM = "\uFEFF";

/**
 * Parse markdown and return the root plus the amount to add to every node offset: micromark
 * drops a leading byte-order mark and counts offsets from after it, so without the shift
 * every splice into a BOM file would land one character early.
 */
export function parseMarkdown(text: string): { root: MdNode; shift: number } {
  const shift = text.startsWith(BOM) ? 1 : 0;
  const root: MdNode = parser.parse(shift ? text.slice(1) : text);
  return { root, shift };
}

export function startOffset(node: MdNode, shift: number): number {
  return (node.position?.start.offset ?? 0) + shift;
}

export function endOffset(node: MdNode, shift: number): number {
  return (node.position?.end.offset ?? 0) + shift;
}

export function walk(node: MdNode, visit: (node: MdNode) => void): void {
  visit(node);
  for (const child of node.children ?? []) walk(child, visit);
}

export function plainText(node: MdNode): string {
  if (typeof node.value === "string") return node.value;
  return (node.children ?? []).map(plainText).join("");
}

/** The line ending the file already uses, so our additions match what an editor wrote. */
export function detectEol(text: string): "\r\n" | "\n" {
  const lf = text.indexOf("\n");
  return lf > 0 && text[lf - 1] === "\r" ? "\r\n" : "\n";
}

/** Offset of the start of the line holding `offset` (headings may be indented up to 3 spaces). */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** Split keeping each line's terminator, so joining the pieces gives back the exact text. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const DATE = "\\d{4}-\\d{2}-\\d{2}";
/** `2026-11-20`, `2026-11-20 (summary)`, `2026-01-01..2026-02-01 (summary)`. */
export const DATE_LABEL = new RegExp(`^(${DATE})(?:\\.\\.(${DATE}))?(?![\\d-])`);
export const ISO_DATE = new RegExp(`^${DATE}$`);

/** Markdown backslash escapes apply only to ASCII punctuation. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, "$1");
}

export interface Outline {
  /** Top-level level-1/2 headings: where sections may start and end. */
  headings: { start: number; line: number; depth: number; text: string }[];
  /** Every list item, with its first paragraph's source (how notes are compared). */
  items: { start: number; source: string }[];
  /** Line start of the last top-level block; parsing from there sees the same structure. */
  lastBlockLine: number;
}

/**
 * Parsing is the expensive step (tens of milliseconds for a 10 KB file on a 2-core machine,
 * and an agent reads its memory and then appends to the same text in one turn), so one walk
 * collects everything this module needs and the last few outlines are kept. The key is the
 * whole text, so a cached outline can never describe a different text.
 */
const outlines = new Map<string, Outline>();
const OUTLINES_KEPT = 4;

export function outline(text: string): Outline {
  const cached = outlines.get(text);
  if (cached) return cached;
  const result = scan(text);
  if (outlines.size >= OUTLINES_KEPT) outlines.delete(outlines.keys().next().value ?? "");
  outlines.set(text, result);
  return result;
}

/** outline() without the cache, for one-off texts such as a check of an edited tail. */
export function scan(text: string): Outline {
  const { root, shift } = parseMarkdown(text);
  const headings: Outline["headings"] = [];
  for (const node of root.children ?? []) {
    if (node.type !== "heading" || (node.depth ?? 0) > 2) continue;
    const start = startOffset(node, shift);
    headings.push({ start, line: lineStart(text, start), depth: node.depth ?? 0, text: plainText(node).trim() });
  }
  const items: Outline["items"] = [];
  walk(root, (node) => {
    if (node.type !== "listItem") return;
    const first = node.children?.[0];
    const source = first?.type === "paragraph" ? text.slice(startOffset(first, shift), endOffset(first, shift)) : "";
    items.push({ start: startOffset(node, shift), source });
  });
  const last = root.children?.at(-1);
  return { headings, items, lastBlockLine: last ? lineStart(text, startOffset(last, shift)) : 0 };
}
