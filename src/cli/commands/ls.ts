import type { Bead } from "../../bead/fields.js";
import { loadBoard, type Board } from "../../board/load.js";
import { cachedQuery } from "../../board/query-cache.js";
import { byPriorityThenAge, filterBeads } from "../../board/queries.js";
import { lsAnswerKey, lsFilter, type LsQuery } from "../answer-keys.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { beadJson, beadTable, json } from "../output.js";

export interface LsExtraOptions {
  text?: string;
  priority?: string[];
  type?: string[];
  since?: string;
}

export async function ls(io: CliIo, options: GlobalOptions & LsQuery & LsExtraOptions): Promise<void> {
  const paths = boardFor(io, options);
  const filter = lsFilter(options);
  const list = (board: Board) =>
    filterBeads(board.beads, filter)
      .filter((bead) => filter.escalated !== true || bead.fields.escalation === "requested")
      .sort(byPriorityThenAge);
  if (options.text !== undefined || options.priority || options.type || options.since !== undefined) {
    // Loaded only for these options, so that a plain `bead ls` starts as fast as before.
    const { searchFilteredBeads } = await import("../../search/ls-search.js");
    const beads = await searchFilteredBeads(paths, list, options, Date.now());
    printList(io, beads, options.json === true, []);
    return;
  }
  if (options.json) {
    io.out(await cachedQuery(paths, lsAnswerKey(options), (board) => json(list(board).map(beadJson))));
    return;
  }
  const board = await loadBoard(paths);
  printList(io, list(board), false, board.problems);
}

function printList(io: CliIo, beads: Bead[], asJson: boolean, problems: readonly unknown[]): void {
  if (asJson) {
    io.out(json(beads.map(beadJson)));
    return;
  }
  io.out(beadTable(beads, io.columns));
  if (problems.length > 0) io.err(`${problems.length} invalid bead file(s) skipped; run \`bead lint\` for details\n`);
}
