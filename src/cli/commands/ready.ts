import { loadBoard, type Board } from "../../board/load.js";
import { cachedQuery } from "../../board/query-cache.js";
import { blockedBeads, readyBeads } from "../../board/queries.js";
import { readyAnswerKey, readyQuery } from "../answer-keys.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { beadJson, beadTable, json } from "../output.js";

export async function ready(io: CliIo, options: GlobalOptions & { agent?: string }): Promise<void> {
  const paths = boardFor(io, options);
  const query = readyQuery(options);
  // Without includeExpired the answer does not depend on the clock, so it can be cached.
  const list = (board: Board) => readyBeads(board.beads, board.byId, query);
  if (options.json) {
    io.out(await cachedQuery(paths, readyAnswerKey(options), (board) => json(list(board).map(beadJson))));
    return;
  }
  io.out(beadTable(list(await loadBoard(paths)), io.columns));
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
