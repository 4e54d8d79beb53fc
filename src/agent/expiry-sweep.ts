import type { BoardConfig } from "../board/config.js";
import type { LiveBoard } from "../board/live-board.js";
import type { WriteContext } from "../board/write.js";
import { expireLeases } from "../claim/expire.js";
import type { MetricsLog } from "./metrics.js";

/** The expiry sweep, shared by every runtime of a board (one per process is enough). */
export async function sweepExpired(ctx: WriteContext, config: BoardConfig, metrics: MetricsLog, log: (line: string) => void, board?: LiveBoard): Promise<void> {
  for (const expired of await expireLeases(ctx, { maxAttempts: config.maxAttempts, ...(board ? { board } : {}) })) {
    metrics.record({ event: "expire", agent: "sweep", bead: expired.id, previous: expired.previousHolder, attempts: expired.attempts, status: expired.status });
    log(`${expired.id}: lease of ${expired.previousHolder ?? "unknown"} lapsed; now ${expired.status} (attempt ${expired.attempts})`);
  }
}
