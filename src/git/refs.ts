import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { GitError, RefMovedError } from "../errors.js";
import { commonDir, refBase } from "./repository.js";

/** The branch HEAD points at (`refs/heads/main`); detached HEADs are refused: agents need a branch. */
export function currentBranchRef(gitdir: string): string {
  const head = readFileSync(join(gitdir, "HEAD"), "utf8").trim();
  const match = /^ref:\s*(refs\/heads\/.+)$/.exec(head);
  if (!match?.[1]) throw new GitError("HEAD is detached; check out a branch (e.g. `git switch main`) before using bead", { head });
  return match[1];
}

/** The commit a ref points at, from its loose file or packed-refs; null when the ref does not exist yet. */
export function readRef(gitdir: string, ref: string): string | null {
  try {
    const value = readFileSync(join(refBase(gitdir, ref), ref), "utf8").trim();
    if (/^[0-9a-f]{40}$/.test(value)) return value;
    const symbolic = /^ref:\s*(.+)$/.exec(value);
    if (symbolic?.[1]) return readRef(gitdir, symbolic[1]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  try {
    for (const line of readFileSync(join(commonDir(gitdir), "packed-refs"), "utf8").split("\n")) {
      const [oid, name] = line.split(" ");
      if (name === ref && oid && /^[0-9a-f]{40}$/.test(oid)) return oid;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return null;
}

export interface RefUpdate {
  gitdir: string;
  ref: string;
  expected: string | null;
  next: string;
  /** Reflog message, like git's (`commit: claim bb-1 by x`). */
  message: string;
  committer: string;
  /** How long to wait for git's own lock on the ref; tests inject a clock. */
  lockWait?: LockWait;
}

/**
 * Advance a ref only if it still points where the writer read it. Uses git's own protocol
 * (create `<ref>.lock` exclusively, verify, write, rename), so it is safe against the git CLI
 * and other processes, not only against ourselves.
 */
export async function compareAndSwapRef(update: RefUpdate): Promise<void> {
  const refPath = join(refBase(update.gitdir, update.ref), update.ref);
  const lockPath = `${refPath}.lock`;
  mkdirSync(dirname(refPath), { recursive: true });
  const fd = await openExclusive(lockPath, update.lockWait);
  let renamed = false;
  try {
    const actual = readRef(update.gitdir, update.ref);
    if (actual !== update.expected) throw new RefMovedError(update.ref, update.expected, actual);
    writeSync(fd, `${update.next}\n`);
    closeSync(fd);
    renameSync(lockPath, refPath);
    renamed = true;
    appendReflog(update, actual);
  } finally {
    if (!renamed) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      try {
        unlinkSync(lockPath);
      } catch {
        // already gone
      }
    }
  }
}

/** How long, and on which clock, to wait for a lock file another process holds. */
export interface LockWait {
  waitMs?: number;
  now?: () => number;
  pause?: (ms: number) => Promise<void>;
}

const pauseFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Open `path` exclusively, waiting briefly (5 s by default) for a concurrent git process to finish with it. */
export async function openExclusive(path: string, wait: LockWait = {}): Promise<number> {
  const { waitMs = 5000, now = Date.now, pause = pauseFor } = wait;
  const started = now();
  for (;;) {
    try {
      return openSync(path, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (now() - started > waitMs) {
        throw new GitError(`${path} exists: another git process is running, or one crashed and left it; remove it if no git command is running`, {
          path,
        });
      }
      await pause(10 + Math.random() * 20);
    }
  }
}

function appendReflog(update: RefUpdate, previous: string | null): void {
  const seconds = Math.floor(Date.now() / 1000);
  const line = `${previous ?? "0".repeat(40)} ${update.next} ${update.committer} ${seconds} +0000\t${update.message.split("\n")[0]}\n`;
  try {
    const logPath = join(refBase(update.gitdir, update.ref), "logs", update.ref);
    mkdirSync(dirname(logPath), { recursive: true });
    appendFileSync(logPath, line);
  } catch {
    // The reflog is a convenience for people recovering work; the commit itself is safe.
  }
}
