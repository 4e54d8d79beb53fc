/**
 * Checking out what sync merged, ourselves: isomorphic-git's fast-forward moves the ref and
 * leaves the working tree alone, and its checkout would overwrite a person's unsaved edits.
 * A working file may be replaced only while it still holds HEAD's version (or already the new one).
 */
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, unlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import git, { type PromiseFsClient } from "isomorphic-git";
import { writeFileAtomic } from "../os/atomic-write.js";
import { GitError } from "../errors.js";
import type { Repo, TreeFile } from "./tree-diff.js";

export interface WorktreeChange {
  path: string;
  /** HEAD's version before the change (null: absent). */
  before: TreeFile | null;
  /** The new version (null: the path is deleted). */
  after: { oid: string; bytes: Uint8Array; executable: boolean } | null;
}

/** Refuse paths a hostile remote could use to write outside the work tree or into .git. */
export function assertSafePath(path: string): void {
  const parts = path.split("/");
  if (path.startsWith("/") || parts.some((part) => part === "" || part === "." || part === ".." || part.toLowerCase() === ".git")) {
    throw new GitError(`refusing to check out ${JSON.stringify(path)}: not a plain path inside the board`, { path });
  }
}

/** The git blob id of some bytes (what `git hash-object` prints), computed synchronously. */
export function blobOid(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

function workingOid(root: string, path: string): string | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(root, path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    if (code === "EISDIR") return "(directory)";
    throw error;
  }
  return blobOid(bytes);
}

/** True when the working file holds neither HEAD's version nor the new one: a person's unsaved edit. */
function isUnsaved(root: string, change: WorktreeChange): boolean {
  const current = workingOid(root, change.path);
  if (current === (change.before?.oid ?? null)) return false;
  return current !== (change.after?.oid ?? null);
}

/** The paths of `changes` whose working file a person changed without committing. */
export function unsavedEdits(root: string, changes: readonly WorktreeChange[]): string[] {
  const unsaved: string[] = [];
  for (const change of changes) {
    assertSafePath(change.path);
    if (isUnsaved(root, change)) unsaved.push(change.path);
  }
  return unsaved;
}

/**
 * Write the new versions into the working tree. Each file is checked again just before it is
 * written; one a person saved in the meantime is left alone and reported as skipped.
 */
export function writeWorktree(root: string, changes: readonly WorktreeChange[]): { written: string[]; skipped: string[] } {
  const written: string[] = [];
  const skipped: string[] = [];
  for (const change of changes) {
    assertSafePath(change.path);
    if (isUnsaved(root, change)) {
      skipped.push(change.path);
      continue;
    }
    const full = join(root, change.path);
    if (change.after === null) {
      try {
        unlinkSync(full);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    } else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileAtomic(full, change.after.bytes);
      chmodSync(full, change.after.executable ? 0o755 : 0o644);
    }
    written.push(change.path);
  }
  return { written, skipped };
}

/** Bring the index in line with the new HEAD for these paths, through withIndexLock's fs (./index-lock.ts). */
export async function updateIndexFor(repo: Repo, changes: readonly WorktreeChange[], indexFs: PromiseFsClient): Promise<void> {
  for (const change of changes) {
    const base = { fs: indexFs, dir: repo.dir, gitdir: repo.gitdir, cache: repo.cache, filepath: change.path };
    if (change.after === null) await git.updateIndex({ ...base, remove: true, force: true });
    else await git.updateIndex({ ...base, oid: change.after.oid, mode: change.after.executable ? 0o100755 : 0o100644, add: true });
  }
}
