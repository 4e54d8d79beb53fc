import { getSection, setSection, splitAtSection } from "./edit-section.js";

/**
 * Comments on a bead: a `## Comments` section of list items, one per comment,
 *
 *     - **Ada Lovelace** (2026-01-31T09:00:00.000Z): first line
 *       further lines, indented two spaces
 *
 * so they read well in any markdown viewer, sync and merge like any other text, and reach an
 * agent as part of the bead's body. Pure: no I/O.
 */
export const COMMENTS_HEADING = "Comments";

export interface BeadComment {
  /** Null for a line a person wrote by hand in another shape. */
  author: string | null;
  at: string | null;
  text: string;
}

const ITEM = /^- \*\*(.+?)\*\* \(([^)]*)\): ?(.*)$/;

/** The text with one comment appended to `## Comments` (made at the end of the body when absent). */
export function appendComment(text: string, comment: { author: string; at: string; text: string }, file: string): string {
  const existing = getSection(text, COMMENTS_HEADING);
  const rendered = renderComment(comment);
  return setSection(text, COMMENTS_HEADING, existing ? `${existing}\n${rendered}` : rendered, file);
}

/**
 * Continuation lines are indented so that they stay inside the list item: a comment holding
 * `## Result` or `---` can never start a section of its own.
 */
export function renderComment(comment: { author: string; at: string; text: string }): string {
  const author = comment.author.replace(/[*\r\n]/g, "").trim() || "someone";
  const lines = comment.text.replace(/\r\n?/g, "\n").trim().split("\n");
  const [first = "", ...rest] = lines;
  return [`- **${author}** (${comment.at}): ${first}`, ...rest.map((line) => (line.trim() === "" ? "" : `  ${line}`))].join("\n");
}

/**
 * The comments of a bead body (or whole file text), in order. Every `## Comments` section is
 * read: a file merged before comments were merged as one list (or edited by hand) may have two.
 */
export function parseComments(text: string): BeadComment[] {
  const first = getSection(text, COMMENTS_HEADING);
  if (first === undefined) return [];
  const sections = [first];
  const body = splitAtSection(text, COMMENTS_HEADING);
  for (let next = body && splitAtSection(body.after, COMMENTS_HEADING); next; next = splitAtSection(next.after, COMMENTS_HEADING)) sections.push(next.content.replace(/\r\n/g, "\n").trim());
  return sections.flatMap(commentsOf);
}

function commentsOf(section: string): BeadComment[] {
  if (section === "") return [];
  const comments: BeadComment[] = [];
  for (const line of section.split("\n")) {
    const item = ITEM.exec(line);
    if (item) comments.push({ author: item[1]!, at: item[2]!, text: item[3]! });
    else if (/^- /.test(line)) comments.push({ author: null, at: null, text: line.slice(2) });
    else if (comments.length > 0) {
      const last = comments[comments.length - 1]!;
      last.text += `\n${line.replace(/^ {2}/, "")}`;
    } else if (line.trim() !== "") comments.push({ author: null, at: null, text: line });
  }
  for (const comment of comments) comment.text = comment.text.trimEnd();
  return comments;
}

/**
 * Both sides of a merge changed a bead's comments (each added the first one, say): every
 * comment either side added, each once, after the ones both had, in time order; one that
 * either side removed stays removed. Left to a line merge, two sides that each started a
 * `## Comments` section kept both headings, and the second section was never read. Bodies in,
 * the merged body out; undefined when the comments need nothing special (at most one side
 * changed them). Pure.
 */
export function mergeCommentBodies(base: string, ours: string, theirs: string, mergeRest: (base: string, ours: string, theirs: string) => string): string | undefined {
  const [b, o, t] = [base, ours, theirs].map((body) => splitAtSection(body, COMMENTS_HEADING));
  const items = (split: typeof b) => commentBlocks(split?.content ?? "");
  const [bi, oi, ti] = [items(b), items(o), items(t)];
  if (sameBlocks(oi, bi) || sameBlocks(ti, bi) || sameBlocks(oi, ti)) return undefined;
  const rest = (body: string, split: typeof b) => (split ? split.before + split.after : body);
  const merged = mergeRest(rest(base, b), rest(ours, o), rest(theirs, t));
  const kept = bi.filter((block) => oi.includes(block) && ti.includes(block));
  const added = [...oi.filter((block) => !bi.includes(block)), ...ti.filter((block) => !bi.includes(block) && !oi.includes(block))];
  added.sort((x, y) => timeOf(x).localeCompare(timeOf(y)));
  const blocks = [...kept, ...added];
  const head = merged.trimEnd();
  return `${head}${head === "" ? "" : "\n\n"}## ${COMMENTS_HEADING}\n${blocks.join("\n")}\n`;
}

/** A comments section as blocks: each list item with its continuation lines. */
function commentBlocks(content: string): string[] {
  const blocks: string[] = [];
  for (const line of content.replace(/\r\n/g, "\n").split("\n")) {
    if (/^- /.test(line) || blocks.length === 0) blocks.push(line);
    else blocks[blocks.length - 1] += `\n${line}`;
  }
  return blocks.map((block) => block.trimEnd()).filter((block) => block !== "");
}

function sameBlocks(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((block, i) => block === b[i]);
}

/** The ISO time of a rendered comment (empty for a hand-written line: those sort first). */
function timeOf(block: string): string {
  return ITEM.exec(block.split("\n")[0] ?? "")?.[2] ?? "";
}
