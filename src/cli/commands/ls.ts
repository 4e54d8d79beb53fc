import { loadBoard, type Board } from "../../board/load.js";
import { cachedQuery } from "../../board/query-cache.js";
import { byPriorityThenAge, filterBeads } from "../../board/queries.js";
import { lsAnswerKey, lsFilter, type LsQuery } from "../answer-keys.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { beadJson, beadTable, json } from "../output.js";

export async function ls(io: CliIo, options: GlobalOptions & LsQuery): Promise<void> {
  const paths = boardFor(io, options);
  const filter = lsFilter(options);
  const list = (board: Board) =>
    filterBeads(board.beads, filter)
      .filter((bead) => filter.escalated !== true || bead.fields.escalation === "requested")
      .sort(byPriorityThenAge);
  if (options.json) {
    io.out(await cachedQuery(paths, lsAnswerKey(options), (board) => json(list(board).map(beadJson))));
    return;
  }
  const board = await loadBoard(paths);
  io.out(beadTable(list(board), io.columns));
  if (board.problems.length > 0) {
    io.err(`${board.problems.length} invalid bead file(s) skipped; run \`bead lint\` for details\n`);
  }
}
