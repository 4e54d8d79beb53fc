import type { BoardPaths } from "../../board/paths.js";
import { loadBoard } from "../../board/load.js";
import type { CliIo } from "../io.js";
import { boardJson, renderBoard } from "./board-view.js";

/** Long enough to fold an editor's save (temp file, rename) or a checkout into one redraw. */
const DEBOUNCE_MS = 100;
/** Clear the screen and home the cursor, for a terminal; a pipe gets frames one after another. */
const CLEAR = "\u001b[H\u001b[2J";

/**
 * `bead board --watch`: draw the board, then again after every change in beads/ (file events;
 * the files are the truth, each redraw loads the board), until SIGINT/SIGTERM or `signal`.
 * With --json, one board object per line per redraw.
 */
export async function watchBoard(io: CliIo, paths: BoardPaths, asJson: boolean, given?: AbortSignal): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (given) given.addEventListener("abort", stop, { once: true });
  else {
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  }
  const { default: chokidar } = await import("chokidar");
  const watcher = chokidar.watch(paths.beadsDir, { ignoreInitial: true, depth: 0 });
  let timer: NodeJS.Timeout | undefined;
  let drawing = Promise.resolve();
  const draw = async () => {
    try {
      const loaded = await loadBoard(paths);
      if (asJson) io.out(JSON.stringify(boardJson(loaded.beads, loaded.byId)) + "\n");
      else io.out(`${io.isTTY ? CLEAR : ""}${renderBoard(loaded.beads, io.columns ?? 100, loaded.byId)}${io.isTTY ? "" : "\n"}`);
    } catch (error) {
      io.err(`bead board: ${(error as Error).message}\n`);
    }
  };
  watcher.on("all", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      drawing = drawing.then(draw);
    }, DEBOUNCE_MS);
  });
  await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  drawing = drawing.then(draw);
  await new Promise<void>((resolve) => {
    if (controller.signal.aborted) resolve();
    else controller.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  clearTimeout(timer);
  await watcher.close();
  await drawing;
  if (!given) {
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
  }
}
