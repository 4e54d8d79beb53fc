/**
 * A holder file beside a proper-lockfile lock directory (`X.lock` → `X.lock.holder`): who holds
 * it, and the lock directory's inode, so a holder file left by an earlier lock is never taken for
 * the current one. proper-lockfile alone sees a dead holder only once the lock's mtime is stale.
 */
import { lstatSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { holderState, parseHolder, thisProcess, type ProcessIdentity } from "./process-identity.js";

const MAX_HOLDER_BYTES = 4096;

/** Right after taking the lock: say who we are. */
export function recordHolder(lockDir: string): void {
  try {
    const lockIno = statSync(lockDir).ino;
    writeFileSync(`${lockDir}.holder`, `${JSON.stringify({ ...thisProcess(), lockIno })}\n`);
  } catch {
    // Best effort: without it, a dead holder is seen once the lock is stale, as before.
  }
}

/** Right before releasing it. */
export function forgetHolder(lockDir: string): void {
  rmSync(`${lockDir}.holder`, { force: true });
}

/** The current holder of `lockDir`, when its holder file is about this very lock directory. */
export function currentHolder(lockDir: string): ProcessIdentity | undefined {
  try {
    const file = `${lockDir}.holder`;
    const stat = lstatSync(file);
    if (!stat.isFile() || stat.size > MAX_HOLDER_BYTES) return undefined;
    const holder = parseHolder(readFileSync(file, "utf8"));
    if (!holder || holder.lockIno !== statSync(lockDir).ino) return undefined;
    return holder;
  } catch {
    return undefined;
  }
}

/** A lock whose recorded holder is dead is removed at once; true when it was. */
export function removeIfHolderDead(lockDir: string): boolean {
  const holder = currentHolder(lockDir);
  if (!holder || holderState(holder) !== "dead") return false;
  // The holder file first: while the lock directory still exists, no new holder can write one.
  forgetHolder(lockDir);
  try {
    rmdirSync(lockDir);
  } catch {
    return false; // someone else took it over first
  }
  return true;
}
