import type { BoardPaths } from "../board/paths.js";
import { writeContext } from "../board/write.js";
import { recurringTicker } from "./scheduler.js";

/** How often `bead up` looks for due slots; slots are whole minutes, so twice a minute is enough. */
const TICK_MS = 30_000;

/**
 * Run the recurring-bead ticker beside the agents of `bead up` until stopped. Ticks never overlap
 * (a slow tick skips the next), and a failing tick is logged and retried on the next one.
 */
export async function startRecurring(options: { paths: BoardPaths; env: NodeJS.ProcessEnv; log: (line: string) => void }): Promise<{ stop(): void }> {
  const cron = await import("node-cron");
  const ticker = recurringTicker({ paths: options.paths, ctx: writeContext(options.paths, options.env), parse: (pattern) => cron.parse(pattern), log: options.log });
  let busy = false;
  const run = () => {
    if (busy) return;
    busy = true;
    ticker
      .tick(Date.now())
      .catch((error: unknown) => options.log(`recur: ${(error as Error).message}`))
      .finally(() => {
        busy = false;
      });
  };
  run();
  const timer = setInterval(run, TICK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
