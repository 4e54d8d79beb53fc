import { ConflictError, InvalidArgumentError } from "../errors.js";
import { detectEol, endOffset, ISO_DATE, lineStart, parseMarkdown, splitLines, startOffset } from "./markdown.js";
import { datedSections, sectionRange, type DatedSection } from "./sections.js";

/** What planCompaction returns. `capBytes` rides along so applyCut can name the cap in its marker. */
export interface CompactionPlan {
  sections: DatedSection[];
  capBytes?: number;
}

/** After compaction a file should sit this far under its cap, so it is not compacted again tomorrow. */
const TARGET_SHARE = 0.75;
const CUT_MARKER = /^> (\d+) older sections? \(/m;

function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

function isCutMarker(section: DatedSection): boolean {
  return /\(cut\)\s*#*\s*$/.test(section.text.split("\n", 1)[0] ?? "") && CUT_MARKER.test(section.text);
}

/**
 * When the file is over capBytes, choose the oldest dated sections (in file order) whose removal
 * brings it to at most ~75% of the cap; all of them but the newest if even that is not enough.
 * The newest section is never chosen: it holds the notes just written, and cutting them in the
 * same breath (the no-model fallback) would throw them away. Undefined when there is nothing
 * useful to do, including when the only candidate is an earlier cut marker (a loop otherwise).
 */
export function planCompaction(text: string, capBytes: number): CompactionPlan | undefined {
  if (!Number.isFinite(capBytes) || capBytes <= 0) {
    throw new InvalidArgumentError(`memory cap must be a positive number of bytes, got ${capBytes}`, { capBytes });
  }
  const size = byteLength(text);
  if (size <= capBytes) return undefined;
  const candidates = datedSections(text).sections.slice(0, -1);
  const target = Math.floor(capBytes * TARGET_SHARE);
  const chosen: DatedSection[] = [];
  let removed = 0;
  for (const section of candidates) {
    chosen.push(section);
    removed += byteLength(section.text);
    if (size - removed <= target) break;
  }
  if (chosen.every(isCutMarker)) return undefined;
  return { sections: chosen, capBytes };
}

/** The plan's sections in file order, checked against the text: it may have changed since. */
function checkPlan(text: string, plan: CompactionPlan): [DatedSection, ...DatedSection[]] {
  const sorted = [...plan.sections].sort((a, b) => a.start - b.start);
  const [first, ...rest] = sorted;
  if (!first) throw new InvalidArgumentError("compaction plan has no sections");
  let previousEnd = 0;
  for (const section of sorted) {
    if (section.start < previousEnd || text.slice(section.start, section.end) !== section.text) {
      throw new ConflictError("memory file", "changed since the compaction was planned; plan again");
    }
    previousEnd = section.end;
  }
  return [first, ...rest];
}

function rangeLabel(sections: [DatedSection, ...DatedSection[]]): string {
  const first = sectionRange(sections[0]).first;
  const last = sectionRange(sections[sections.length - 1] ?? sections[0]).last;
  return first === last ? first : `${first}..${last}`;
}

/**
 * Put `block` where the first chosen section was and drop the other chosen sections. Text
 * between chosen sections (a person's undated `##` text) and everything else stays byte for byte.
 */
function replaceSections(text: string, sections: [DatedSection, ...DatedSection[]], block: string, eol: string): string {
  const [first, ...rest] = sections;
  let after = "";
  let cursor = first.end;
  for (const section of rest) {
    after += text.slice(cursor, section.start);
    cursor = section.end;
  }
  after += text.slice(cursor);
  const separator = after.trim() && !/\n[ \t]*\r?\n$/.test(block) ? eol : "";
  return text.slice(0, first.start) + block + separator + after;
}

/**
 * Model output must not end the summary section early or swallow the sections after it.
 * Level-1/2 headings in it are escaped (they would start sections of their own); if the result
 * still does not hand over cleanly to a following heading (an unclosed fence or HTML comment),
 * the whole summary goes into a block quote, which closes everything opened inside it.
 */
function safeSummary(summary: string, eol: string): string {
  let body = summary.replace(/\r\n?/g, "\n").replace(/^(?:[ \t]*\n)+/, "").trimEnd();
  if (!body) throw new InvalidArgumentError("summary is empty; cut the sections instead");
  const { root, shift } = parseMarkdown(body);
  const escapes: number[] = [];
  for (const node of root.children ?? []) {
    if (node.type !== "heading" || (node.depth ?? 0) > 2) continue;
    const setext = !/^ {0,3}#/.test(body.slice(lineStart(body, startOffset(node, shift))));
    const line = setext ? lineStart(body, endOffset(node, shift)) : lineStart(body, startOffset(node, shift));
    escapes.push(line + (/^ */.exec(body.slice(line))?.[0].length ?? 0));
  }
  for (const at of escapes.reverse()) body = `${body.slice(0, at)}\\${body.slice(at)}`;
  if (!handsOver(body)) {
    body = splitLines(body)
      .map((line) => (line.trim() ? `> ${line}` : `>${line.slice(line.trimEnd().length)}`))
      .join("");
  }
  return body.split("\n").join(eol);
}

function handsOver(body: string): boolean {
  const probe = `${body}\n\n## 0000-00-00\n`;
  const { root, shift } = parseMarkdown(probe);
  const headings = (root.children ?? []).filter((node) => node.type === "heading" && (node.depth ?? 0) <= 2);
  return headings.length === 1 && startOffset(headings[0] ?? root, shift) === body.length + 2;
}

/** Replace the chosen sections with one `## <first>..<last> (summary)` section holding `summary`. */
export function applySummary(text: string, plan: CompactionPlan, summary: string): string {
  const sections = checkPlan(text, plan);
  const eol = detectEol(text);
  const block = `## ${rangeLabel(sections)} (summary)${eol}${safeSummary(summary, eol)}${eol}`;
  return replaceSections(text, sections, block, eol);
}

/**
 * No model to summarise with: cut the chosen sections and leave a dated `(cut)` section with a
 * marker line in their place. It is a section rather than a preamble line so that markers do
 * not pile up: the next cut takes the old marker in and adds its count to the new one.
 */
export function applyCut(text: string, plan: CompactionPlan, today: string): string {
  if (!ISO_DATE.test(today)) throw new InvalidArgumentError(`date must be YYYY-MM-DD, got ${JSON.stringify(today)}`, { today });
  const sections = checkPlan(text, plan);
  const eol = detectEol(text);
  const count = sections.reduce((sum, section) => {
    const earlier = isCutMarker(section) ? Number(CUT_MARKER.exec(section.text)?.[1]) : 1;
    return sum + (Number.isFinite(earlier) && earlier > 0 ? earlier : 1);
  }, 0);
  const label = rangeLabel(sections);
  const what = count === 1 ? "1 older section" : `${count} older sections`;
  const verb = count === 1 ? "was" : "were";
  const why = plan.capBytes === undefined ? "to keep this file small" : `to keep this file under ${plan.capBytes} bytes`;
  const marker = `> ${what} (${label}) ${verb} cut on ${today} ${why}; see git history.`;
  return replaceSections(text, sections, `## ${label} (cut)${eol}${marker}${eol}`, eol);
}
