import { loadBoard } from "../../board/load.js";
import { blockedBeads, readyBeads } from "../../board/queries.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { beadJson, beadTable, json } from "../output.js";

export async function ready(io: CliIo, options: GlobalOptions & { agent?: string }): Promise<void> {
  const board = await loadBoard(boardFor(io, options));
  const beads = readyBeads(board.beads, board.byId, options.agent === undefined ? {} : { agent: options.agent });
  io.out(options.json ? json(beads.map(beadJson)) : beadTable(beads, io.columns));
}

export async function blocked(io: CliIo, options: GlobalOptions): Promise<void> {
  const board = await loadBoard(boardFor(io, options));
  const items = blockedBeads(board.beads, board.byId);
  if (options.json) {
    io.out(json(items.map(({ bead, blockers }) => ({ ...beadJson(bead), blockers }))));
    return;
  }
  if (items.length === 0) io.out("nothing is blocked\n");
  for (const { bead, blockers } of items) {
    const why = blockers.length > 0 ? blockers.map((b) => `${b.id} (${b.status})`).join(", ") : "marked blocked";
    io.out(`${bead.id}  ${bead.fields.title}\n    waiting on: ${why}\n`);
  }
}
