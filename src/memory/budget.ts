import { InvalidArgumentError } from "../errors.js";
import { estimateTokens } from "../model/tokens.js";
import { splitLines } from "./markdown.js";
import { datedSections, type DatedSection } from "./sections.js";

/** Largest n in [0, max] with ok(n), given ok is monotone (true up to some n, false after). */
function largest(max: number, ok: (n: number) => boolean): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A setext heading takes two lines (text and underline), an ATX heading one. */
function headingLineCount(section: DatedSection): number {
  return /^ {0,3}#/.test(section.text) ? 1 : 2;
}

/**
 * Fit memory into a token budget for a prompt. Everything outside dated sections (the preamble
 * and any undated `##` text a person wrote) is kept; dated sections are kept newest first by
 * date (the later one wins a tie), whole, until the next would not fit: older sections are cut,
 * never a newer one to make room for an older. If not even the newest fits, its heading and as
 * many of its last lines as fit are kept (`truncated`). If the undated text alone is over budget,
 * its first lines are kept (a curated file puts what matters first) and every section is cut.
 * The kept pieces stay in file order and byte for byte; nothing is added to the text, so the
 * caller reports `cutSections` (dates of sections dropped whole, in file order) in its log.
 */
export function fitToBudget(text: string, budgetTokens: number): { text: string; cutSections: string[]; truncated: boolean } {
  if (Number.isNaN(budgetTokens) || budgetTokens < 0) {
    throw new InvalidArgumentError(`memory token budget must be a number >= 0, got ${budgetTokens}`, { budgetTokens });
  }
  const fits = (candidate: string): boolean => estimateTokens(candidate) <= budgetTokens;
  if (fits(text)) return { text, cutSections: [], truncated: false };

  const { sections } = datedSections(text);
  const newestFirst = sections
    .map((section, index) => ({ section, index }))
    .sort((a, b) => (a.section.date === b.section.date ? b.index - a.index : a.section.date < b.section.date ? 1 : -1))
    .map((entry) => entry.index);

  // Rebuild the text with each section replaced by what `keep` says (whole, part, or nothing).
  const assemble = (keep: (index: number) => string): string => {
    let out = "";
    let cursor = 0;
    sections.forEach((section, index) => {
      out += text.slice(cursor, section.start) + keep(index);
      cursor = section.end;
    });
    return out + text.slice(cursor);
  };
  const keepNewest = (count: number): string => {
    const kept = new Set(newestFirst.slice(0, count));
    return assemble((index) => (kept.has(index) ? (sections[index]?.text ?? "") : ""));
  };
  const datesOf = (cut: (index: number) => boolean): string[] =>
    sections.filter((_, index) => cut(index)).map((section) => section.date);

  const count = largest(sections.length, (n) => fits(keepNewest(n)));
  if (count > 0) {
    const kept = new Set(newestFirst.slice(0, count));
    return { text: keepNewest(count), cutSections: datesOf((index) => !kept.has(index)), truncated: false };
  }

  const undated = keepNewest(0);
  if (!fits(undated)) {
    const lines = splitLines(undated);
    const head = largest(lines.length, (n) => fits(lines.slice(0, n).join("")));
    return { text: lines.slice(0, head).join(""), cutSections: datesOf(() => true), truncated: true };
  }

  const newestIndex = newestFirst[0];
  const newest = newestIndex === undefined ? undefined : sections[newestIndex];
  if (newestIndex === undefined || newest === undefined) return { text: undated, cutSections: [], truncated: false };
  const lines = splitLines(newest.text);
  const heading = lines.slice(0, headingLineCount(newest)).join("");
  const body = lines.slice(headingLineCount(newest));
  // Trailing blank lines separate the section from what follows; they are kept, not counted.
  let contentEnd = body.length;
  while (contentEnd > 0 && (body[contentEnd - 1] ?? "").trim() === "") contentEnd--;
  const content = body.slice(0, contentEnd);
  const separator = body.slice(contentEnd).join("");
  const withTail = (n: number): string =>
    assemble((index) => (index === newestIndex ? heading + content.slice(content.length - n).join("") + separator : ""));
  // A heading with no lines under it says nothing; it only earns its place with a tail.
  const tail = fits(withTail(1)) ? largest(content.length, (n) => fits(withTail(n))) : 0;
  if (tail === 0) return { text: undated, cutSections: datesOf(() => true), truncated: false };
  return { text: withTail(tail), cutSections: datesOf((index) => index !== newestIndex), truncated: true };
}
