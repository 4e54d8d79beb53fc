import type { Bead } from "../bead/fields.js";
import { loadBoardStamped, type Board } from "../board/load.js";
import type { BoardPaths } from "../board/paths.js";
import { parseExtraLsFilter, passesExtraLsFilter } from "./ls-filter.js";
import { parseSearchQuery } from "./query.js";
import { matchingIds } from "./run.js";

/** `bead ls` with --text/--priority/--type/--since: the listing's order, narrowed by these filters. */
export async function searchFilteredBeads(
  paths: BoardPaths,
  list: (board: Board) => Bead[],
  options: { text?: string; priority?: string[]; type?: string[]; since?: string },
  nowMs: number,
): Promise<Bead[]> {
  const extra = parseExtraLsFilter(options, nowMs);
  const loaded = await loadBoardStamped(paths);
  const listed = list(loaded.board).filter((bead) => passesExtraLsFilter(bead, extra));
  if (options.text === undefined) return listed;
  const matching = await matchingIds(paths, parseSearchQuery(options.text), loaded);
  return listed.filter((bead) => matching.has(bead.id));
}
