import { DATE_LABEL, outline } from "./markdown.js";

export interface DatedSection {
  /** The heading's first date (YYYY-MM-DD); for `## 2026-01-01..2026-02-01 (summary)` that is 2026-01-01. */
  date: string;
  /** Offset of the start of the heading's line. */
  start: number;
  /** Offset where the next level-1/2 heading's line starts, or the end of the text (exclusive). */
  end: number;
  /** text.slice(start, end): heading line, body and trailing blank lines. */
  text: string;
}

/**
 * Locate dated sections: top-level `## YYYY-MM-DD…` headings (ATX or setext). Headings inside
 * code fences, lists or quotes are not top-level nodes, so they never count.
 *
 * A section ends at the next level-1 or level-2 heading of any kind, not only at the next dated
 * one: a person's `## Conventions` after the dated sections is their text, and must never be
 * cut or summarised as if it were part of the day above it. Such text belongs to no section.
 */
export function datedSections(text: string): { preamble: { start: number; end: number }; sections: DatedSection[] } {
  const { headings } = outline(text);
  const sections: DatedSection[] = [];
  headings.forEach((heading, i) => {
    const date = heading.depth === 2 ? DATE_LABEL.exec(heading.text)?.[1] : undefined;
    if (date === undefined) return;
    const end = headings[i + 1]?.line ?? text.length;
    sections.push({ date, start: heading.line, end, text: text.slice(heading.line, end) });
  });
  return { preamble: { start: 0, end: sections[0]?.start ?? text.length }, sections };
}

/** The dates a section's heading covers: a summary heading covers a range. */
export function sectionRange(section: DatedSection): { first: string; last: string } {
  const firstLine = section.text.split("\n", 1)[0] ?? "";
  const label = DATE_LABEL.exec(firstLine.replace(/^\s*(?:#{2}\s+)?/, ""));
  return { first: section.date, last: label?.[2] ?? section.date };
}

/** The heading is exactly the date: a plain day section that new notes may join. */
export function isPlainDaySection(section: DatedSection, date: string): boolean {
  if (section.date !== date) return false;
  const firstLine = (section.text.split("\n", 1)[0] ?? "").trim();
  return /^(?:##\s+)?(\S+)(?:\s+#+)?$/.exec(firstLine)?.[1] === date;
}
