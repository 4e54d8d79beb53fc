import type { Status } from "../../bead/fields.js";
import { loadBoard } from "../../board/load.js";
import { byPriorityThenAge, filterBeads } from "../../board/queries.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { beadJson, beadTable, json } from "../output.js";

interface LsOptions extends GlobalOptions {
  status?: Status[];
  agent?: string;
  label?: string[];
}

export async function ls(io: CliIo, options: LsOptions): Promise<void> {
  const board = await loadBoard(boardFor(io, options));
  const filter: Parameters<typeof filterBeads>[1] = {};
  if (options.status) filter.status = options.status;
  if (options.agent !== undefined) filter.agent = options.agent;
  if (options.label) filter.label = options.label;
  const beads = filterBeads(board.beads, filter).sort(byPriorityThenAge);
  if (options.json) io.out(json(beads.map(beadJson)));
  else io.out(beadTable(beads, io.columns));
  if (board.problems.length > 0 && !options.json) {
    io.err(`${board.problems.length} invalid bead file(s) skipped; run \`bead lint\` for details\n`);
  }
}
