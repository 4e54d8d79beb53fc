import { mkdirSync } from "node:fs";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { LockTimeoutError } from "../errors.js";
import { forgetHolder, recordHolder, removeIfHolderDead } from "../os/lock-holder.js";

export interface BoardLockOptions {
  /** How long to keep trying before giving up. */
  timeoutMs?: number;
  /** A lock not refreshed for this long belongs to a dead process and is taken over. */
  staleMs?: number;
}

const DEFAULT_STALE_MS = 10_000;

function staleFromEnv(): number {
  const value = Number(process.env.BEAD_LOCK_STALE_MS);
  return Number.isFinite(value) && value >= 2000 ? value : DEFAULT_STALE_MS;
}

/**
 * Run `work` holding the board lock: one writer at a time per board, across processes.
 * isomorphic-git has no cross-process locking, so every read-check-write-commit goes through
 * here. The lock is a directory under .git/beadboard/ whose mtime the holder keeps fresh; a
 * holder killed with SIGKILL is seen at once from its holder file (pid and start time,
 * os/lock-holder.ts) and its lock taken over; without one, after `staleMs` without a refresh.
 */
export async function withBoardLock<T>(stateDir: string, work: () => Promise<T>, options: BoardLockOptions = {}): Promise<T> {
  mkdirSync(stateDir, { recursive: true });
  const target = join(stateDir, "board");
  const timeoutMs = options.timeoutMs ?? 60_000;
  const staleMs = options.staleMs ?? staleFromEnv();
  const started = Date.now();
  let release: (() => Promise<void>) | undefined;
  let compromised: Error | undefined;
  const lockDir = join(stateDir, "board.lock");
  while (!release) {
    try {
      release = await lockfile.lock(target, {
        realpath: false,
        stale: staleMs,
        lockfilePath: lockDir,
        onCompromised: (error) => {
          // Losing the lock mid-write must not crash an agent loop; the ref compare-and-swap
          // still refuses a commit built on a stale read.
          compromised = error;
        },
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
      if (removeIfHolderDead(lockDir)) continue;
      if (Date.now() - started > timeoutMs) throw new LockTimeoutError(lockDir, timeoutMs);
      await sleep(5 + Math.random() * 25);
    }
  }
  recordHolder(lockDir);
  try {
    return await work();
  } finally {
    if (!compromised) {
      forgetHolder(lockDir);
      await release().catch(() => undefined);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
