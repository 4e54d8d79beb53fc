import { getSection, setSection } from "./edit-section.js";

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

/** The comments of a bead body (or whole file text), in order. */
export function parseComments(text: string): BeadComment[] {
  const section = getSection(text, COMMENTS_HEADING);
  if (section === undefined || section === "") return [];
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
