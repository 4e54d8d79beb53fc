import { lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { splitFrontMatter } from "../bead/frontmatter.js";
import { MAX_BEAD_BYTES } from "../bead/parse.js";
import { archivedBeadPath, archivePaths } from "../board/archive-paths.js";
import type { StampedBoard } from "../board/load.js";
import type { BoardPaths } from "../board/paths.js";
import type { SearchQuery } from "./query.js";
import { bestLineIndex, matchAt, type SearchHit } from "./rank.js";
import { bestOf, compareHits, scanStore, type ScanHit } from "./scan.js";
import { openSearchStore, storedBead, storedText, type SearchStore } from "./store.js";

/** `bead search`: the store of beads/ (and of beads/archive/ with `archived`), scanned, ranked, the best `limit` shown. */
export async function runSearch(paths: BoardPaths, query: SearchQuery, options: { archived?: boolean; limit: number }): Promise<SearchHit[]> {
  const sources: Array<{ paths: BoardPaths; archived: boolean }> = [{ paths, archived: false }];
  if (options.archived) sources.push({ paths: archivePaths(paths), archived: true });
  const found: Array<ScanHit & { archived: boolean; store: SearchStore; dir: string }> = [];
  for (const source of sources) {
    const store = await openSearchStore(source.paths);
    const dir = source.paths.beadsDir;
    for (const hit of scanStore(store.rows, store.data, query)) found.push({ row: hit.row, score: hit.score, archived: source.archived, store, dir });
  }
  return bestOf(found, compareHits, options.limit).map((hit) => {
    const bead = storedBead(hit.store, hit.row);
    if (hit.archived) bead.path = archivedBeadPath(bead.id);
    const result: SearchHit = { bead, score: hit.score, archived: hit.archived };
    if (query.needles.length === 0) return result;
    // Line 0 of the stored text is the title; the body's lines follow.
    const index = bestLineIndex(storedText(hit.store, hit.row).split("\n").slice(1), query);
    if (index !== -1) result.match = matchAt(originalBodyLines(join(hit.dir, hit.row.name)), index, hit.row.bodyLine);
    return result;
  });
}

/** The body as the person wrote it (the store keeps it lower-cased), to show the matching line. */
function originalBodyLines(file: string): string[] {
  try {
    const stat = lstatSync(file);
    if (!stat.isFile() || stat.size > MAX_BEAD_BYTES) return [];
    return splitFrontMatter(readFileSync(file, "utf8"), file).body.split("\n");
  } catch {
    return [];
  }
}

/** Ids of the beads in beads/ that match (for `bead ls --text`, which keeps its own order). */
export async function matchingIds(paths: BoardPaths, query: SearchQuery, loaded?: StampedBoard): Promise<Set<string>> {
  const store = await openSearchStore(paths, loaded);
  return new Set(scanStore(store.rows, store.data, query).map((hit) => hit.row.name.slice(0, -3)));
}
