import { relative, sep } from "node:path";
import { formatProblem, WATCH_BEGIN, watchEnd, watchFailed } from "../../board/lint.js";
import type { BoardProblem } from "../../board/load.js";
import type { BoardPaths } from "../../board/paths.js";
import { describeError, EXIT } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { untilTerminated } from "../terminate.js";

/** Long enough to fold an editor's save (temp file, rename) or a checkout into one run. */
const DEBOUNCE_MS = 150;

export interface WatchLintOptions {
  /** One JSON array per run, each on one line (NDJSON), and no marker lines. */
  json: boolean;
  /** Stops the watch; without one, SIGINT and SIGTERM do. */
  signal?: AbortSignal;
}

/**
 * `bead lint --watch`: lint now, then again after every change in beads/ or agents/, until
 * stopped; then exit 0 (130/143 when a signal stopped it). Each run is framed by WATCH_BEGIN and watchEnd() lines, which is what
 * an editor's background problem matcher waits for. A run that throws is reported and ends
 * with watchFailed(); the watch goes on, since the next save may well fix it.
 */
export async function watchLint(io: CliIo, board: BoardPaths, check: () => Promise<BoardProblem[]>, options: WatchLintOptions): Promise<number> {
  const terminated = options.signal ? undefined : untilTerminated();
  const signal = options.signal ?? terminated!.signal;
  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
  const { default: chokidar } = await import("chokidar");
  let dirty = true;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  // The root, not beads/ and agents/ themselves: either may not exist yet when the watch starts.
  const watcher = chokidar.watch(board.root, { ignoreInitial: true, depth: 1, ignored: (path: string) => !watched(board.root, path) });
  watcher.on("all", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      dirty = true;
      wake?.();
    }, DEBOUNCE_MS);
  });
  watcher.on("error", (error: unknown) => io.err(`bead: watching ${board.root}: ${error instanceof Error ? error.message : String(error)}\n`));
  try {
    await Promise.race([new Promise<void>((resolve) => watcher.once("ready", () => resolve())), stopped]);
    while (!signal.aborted) {
      if (dirty) {
        dirty = false;
        await lintOnce(io, check, options.json);
        continue;
      }
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), stopped]);
      wake = undefined;
    }
  } finally {
    clearTimeout(timer);
    await watcher.close();
    terminated?.dispose();
  }
  return terminated?.exitCode() ?? EXIT.ok;
}

async function lintOnce(io: CliIo, check: () => Promise<BoardProblem[]>, asJson: boolean): Promise<void> {
  if (!asJson) io.out(`${WATCH_BEGIN}\n`);
  try {
    const problems = await check();
    // One write per run, so a reader never sees half a run's problems.
    if (asJson) io.out(`${JSON.stringify(problems)}\n`);
    else io.out(`${problems.map((problem) => `${formatProblem(problem)}\n`).join("")}${watchEnd(problems.length)}\n`);
  } catch (error) {
    io.err(`${describeError(error, io.env.BEAD_DEBUG === "1")}\n`);
    const message = error instanceof Error ? error.message : String(error);
    io.out(asJson ? `${JSON.stringify({ error: message })}\n` : `${watchFailed(message)}\n`);
  }
}

/** Files directly in beads/ or agents/, and the directories on the way; dot-files are temp files and editor swaps. */
function watched(root: string, path: string): boolean {
  const rel = relative(root, path);
  if (rel === "") return true;
  const [top, name, ...deeper] = rel.split(sep);
  if (top !== "beads" && top !== "agents") return false;
  return name === undefined || (deeper.length === 0 && !name.startsWith("."));
}
