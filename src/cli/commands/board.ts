import { loadBoard } from "../../board/load.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";
import { boardJson, renderBoard } from "./board-view.js";

/** A terminal kanban: one column per status, as wide as the terminal allows. */
export async function board(io: CliIo, options: GlobalOptions & { watch?: boolean; signal?: AbortSignal }): Promise<void> {
  const paths = boardFor(io, options);
  if (options.watch) {
    // Loaded only here: chokidar is no cost to a plain `bead board`.
    const { watchBoard } = await import("./board-watch.js");
    await watchBoard(io, paths, options.json === true, options.signal);
    return;
  }
  const loaded = await loadBoard(paths);
  io.out(options.json ? json(boardJson(loaded.beads, loaded.byId)) : renderBoard(loaded.beads, io.columns ?? 100, loaded.byId));
}

