import type { Status } from "../../bead/fields.js";
import { loadBoard, type Board } from "../../board/load.js";
import { cachedQuery } from "../../board/query-cache.js";
import { byPriorityThenAge, filterBeads, type BeadFilter } from "../../board/queries.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { beadJson, beadTable, json } from "../output.js";

interface LsOptions extends GlobalOptions {
  status?: Status[];
  agent?: string;
  label?: string[];
}

export async function ls(io: CliIo, options: LsOptions): Promise<void> {
  const paths = boardFor(io, options);
  const filter: BeadFilter = {};
  if (options.status) filter.status = options.status;
  if (options.agent !== undefined) filter.agent = options.agent;
  if (options.label) filter.label = options.label;
  const list = (board: Board) => filterBeads(board.beads, filter).sort(byPriorityThenAge);
  if (options.json) {
    io.out(await cachedQuery(paths, JSON.stringify(["ls", filter]), (board) => json(list(board).map(beadJson))));
    return;
  }
  const board = await loadBoard(paths);
  io.out(beadTable(list(board), io.columns));
  if (board.problems.length > 0) {
    io.err(`${board.problems.length} invalid bead file(s) skipped; run \`bead lint\` for details\n`);
  }
}
