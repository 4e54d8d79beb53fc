/**
 * Markdown task lists (`- [ ]` / `- [x]`) anywhere in a bead's body, outside code blocks: counted
 * for `ls` and `show`, ticked by number with `bead check`, and the ones under an `## Acceptance…`
 * heading gate `bead close`. Pure: no I/O.
 */
export interface ChecklistItem {
  /** 1-based, in the order they appear: what `bead check <id> <n>` names. */
  n: number;
  checked: boolean;
  text: string;
  /** Offset in the text of the character between the brackets. */
  markAt: number;
  /** Whether it sits under a heading that starts with "Acceptance". */
  acceptance: boolean;
}

export interface ChecklistProgress {
  done: number;
  total: number;
}

const ITEM = /^[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ xX])\](?:[ \t]+(.*))?$/;
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;
const HEADING = /^[ \t]{0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;

export function checklistItems(text: string): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  let fence: string | undefined;
  let acceptance = false;
  let acceptanceDepth = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const nl = text.indexOf("\n", lineStart);
    const lineEnd = nl === -1 ? text.length : nl;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, "");
    const fenceMatch = FENCE.exec(line);
    if (fence !== undefined) {
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length && line.trim() === fenceMatch[1]) fence = undefined;
    } else if (fenceMatch) {
      fence = fenceMatch[1]!;
    } else {
      const heading = HEADING.exec(line);
      if (heading) {
        const depth = heading[1]!.length;
        if (/^acceptance\b/i.test(heading[2]!)) {
          acceptance = true;
          acceptanceDepth = depth;
        } else if (acceptance && depth <= acceptanceDepth) acceptance = false;
      }
      const item = ITEM.exec(line);
      if (item) {
        const markAt = lineStart + line.indexOf("[") + 1;
        items.push({ n: items.length + 1, checked: item[1] !== " ", text: (item[2] ?? "").trim(), markAt, acceptance });
      }
    }
    if (nl === -1) break;
    lineStart = nl + 1;
  }
  return items;
}

export function checklistProgress(text: string): ChecklistProgress {
  const items = checklistItems(text);
  return { done: items.filter((item) => item.checked).length, total: items.length };
}

/** The text with item `n` of `body` (found in the whole text at `bodyStart`) ticked or cleared; one character changes. */
export function setChecked(text: string, bodyStart: number, n: number, checked: boolean): string | undefined {
  const item = checklistItems(text.slice(bodyStart)).find((candidate) => candidate.n === n);
  if (item === undefined) return undefined;
  const at = bodyStart + item.markAt;
  return text.slice(0, at) + (checked ? "x" : " ") + text.slice(at + 1);
}

export function openAcceptanceItems(text: string): ChecklistItem[] {
  return checklistItems(text).filter((item) => item.acceptance && !item.checked);
}
