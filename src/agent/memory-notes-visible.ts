/**
 * Memory per note: each bullet note has its own level (its bead's, its marker's), so a remote
 * agent receives the notes it may see instead of losing the whole file to one private note.
 * Pure, no I/O.
 */
import { sensitivityRank, type Sensitivity } from "../bead/fields.js";
import { memoryLevel } from "./memory-level.js";

const BULLET = /^[ \t]{0,3}[-*+][ \t]+/;

export interface VisibleNotes {
  text: string;
  /** How many notes were left out, for the log. */
  withheld: number;
}

/**
 * `text` without the notes above `ceiling`. A note is a bullet line with its indented
 * continuation lines. Headings and prose stay: a marker there is a file-wide declaration
 * and the gate judges the whole file by it.
 */
export function notesVisibleAt(text: string, ceiling: Sensitivity, levelOf: (beadId: string) => Sensitivity | undefined): VisibleNotes {
  const lines = text.split("\n");
  const out: string[] = [];
  let withheld = 0;
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    if (!BULLET.test(line)) {
      out.push(line);
      i++;
      continue;
    }
    let end = i + 1;
    while (end < lines.length && /^[ \t]{2,}\S/.test(lines[end]!) && !BULLET.test(lines[end]!)) end++;
    const note = lines.slice(i, end);
    // The note's level: its own markers and the bead its suffix names (declared at the lowest level).
    if (sensitivityRank(memoryLevel(note.join("\n"), levelOf, "public").level) > sensitivityRank(ceiling)) withheld++;
    else out.push(...note);
    i = end;
  }
  return { text: out.join("\n"), withheld };
}
