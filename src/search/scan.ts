import type { SearchQuery } from "./query.js";
import { MAX_COUNTED_OCCURRENCES, PHRASE_FACTOR, TITLE_WEIGHT } from "./rank.js";
import type { StoreRow } from "./store-format.js";

/**
 * `bead search` over a search store (store-format.ts), pure: the same matching and scores as
 * rank.ts's searchDocuments, computed on the stored lower-cased bytes. Each word is looked up
 * with one pass of Buffer#indexOf over all texts, and each occurrence is credited to the bead
 * whose text holds it, so a search costs a few scans of the store, whatever the board's size.
 */
export interface ScanHit {
  row: StoreRow;
  score: number;
}

export function scanStore(rows: readonly StoreRow[], data: Buffer, query: SearchQuery): ScanHit[] {
  const filtered = rows.filter((row) => row.beadLength > 0 && passesFilters(row, query));
  if (query.needles.length === 0) return filtered.map((row) => ({ row, score: 0 }));
  // Occurrences are found left to right, so the rows are walked in the order of their texts: row
  // order in a freshly written store, but a store extended by an overlay has edited beads at the end.
  const candidates = isSortedByText(filtered) ? filtered : [...filtered].sort((a, b) => a.textStart - b.textStart);
  const scores = new Float64Array(candidates.length);
  let alive = new Uint8Array(candidates.length).fill(1);
  for (const needle of query.needles) {
    const bytes = Buffer.from(needle.text, "utf8");
    const factor = needle.phrase ? PHRASE_FACTOR : 1;
    const counts = new Uint8Array(candidates.length);
    const inTitle = new Uint8Array(candidates.length);
    let row = 0;
    for (let at = data.indexOf(bytes, candidates[0]?.textStart ?? data.length); at !== -1 && row < candidates.length; ) {
      while (row < candidates.length && at >= candidates[row]!.textStart + candidates[row]!.textLength) row++;
      if (row === candidates.length) break;
      const current = candidates[row]!;
      if (at < current.textStart) {
        at = data.indexOf(bytes, current.textStart);
        continue;
      }
      const end = at + bytes.length;
      if (end <= current.textStart + current.textLength) {
        if (end <= current.textStart + current.titleLength) inTitle[row] = 1;
        else if (at > current.textStart + current.titleLength && counts[row]! < MAX_COUNTED_OCCURRENCES) counts[row]!++;
        // Past the title with the count full, nothing more in this text can change its score:
        // go straight to the next text (a common word would cost an indexOf per occurrence).
        if (counts[row] === MAX_COUNTED_OCCURRENCES && at > current.textStart + current.titleLength) {
          const next = candidates[row + 1];
          at = next === undefined ? -1 : data.indexOf(bytes, next.textStart);
          continue;
        }
      }
      at = data.indexOf(bytes, at + Math.max(1, bytes.length));
    }
    const next = new Uint8Array(candidates.length);
    for (let i = 0; i < candidates.length; i++) {
      if (alive[i] === 0 || (inTitle[i] === 0 && counts[i] === 0)) continue;
      next[i] = 1;
      scores[i]! += factor * (inTitle[i] === 1 ? TITLE_WEIGHT : 0) + factor * counts[i]!;
    }
    alive = next;
  }
  const hits: ScanHit[] = [];
  for (let i = 0; i < candidates.length; i++) if (alive[i] === 1) hits.push({ row: candidates[i]!, score: scores[i]! });
  return hits;
}

function isSortedByText(rows: readonly StoreRow[]): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i]!.textStart < rows[i - 1]!.textStart) return false;
  return true;
}

function passesFilters(row: StoreRow, query: SearchQuery): boolean {
  if (query.labels.length > 0 && !query.labels.every((label) => row.labels.includes(label))) return false;
  if (query.statuses.length > 0 && !query.statuses.includes(row.status)) return false;
  if (query.agents.length > 0 && !query.agents.some((agent) => agent === row.agent || agent === row.claimedBy)) return false;
  if (query.types.length > 0 && !query.types.includes(row.type)) return false;
  if (query.priorities.length > 0 && !query.priorities.includes(row.priority)) return false;
  return true;
}

/** Best first: score, live before archived, then priority, age and id (as `bead ls`). */
export function compareHits(a: ScanHit & { archived: boolean }, b: ScanHit & { archived: boolean }): number {
  return (
    b.score - a.score ||
    Number(a.archived) - Number(b.archived) ||
    a.row.priority - b.row.priority ||
    a.row.createdMs - b.row.createdMs ||
    compareIds(a.row.name.slice(0, -3), b.row.name.slice(0, -3))
  );
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The `limit` best of `items` by `compare`, best first: what a stable sort and a slice give,
 * without sorting them all (a common word matches most of 10,000 beads; a search shows 20).
 * Pure.
 */
export function bestOf<T>(items: readonly T[], compare: (a: T, b: T) => number, limit: number): T[] {
  if (items.length <= limit) return [...items].sort(compare);
  const best: T[] = [];
  for (const item of items) {
    // Not better than the worst kept: a stable sort would put it after that one too.
    if (best.length === limit && compare(item, best[limit - 1]!) >= 0) continue;
    let low = 0;
    let high = best.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compare(best[middle]!, item) <= 0) low = middle + 1;
      else high = middle;
    }
    best.splice(low, 0, item);
    if (best.length > limit) best.pop();
  }
  return best;
}
