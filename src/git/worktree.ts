/**
 * Checking out what sync merged, ourselves: isomorphic-git's fast-forward moves the ref and
 * leaves the working tree alone, and its checkout would overwrite a person's unsaved edits.
 * A working file may be replaced only while it still holds HEAD's version (or already the new one).
 */
import { createHash } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, unlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import git, { type PromiseFsClient } from "isomorphic-git";
import { writeFileAtomic } from "../os/atomic-write.js";
import { GitError } from "../errors.js";
import { diffTrees, readBlobBytes, type Repo, type TreeFile } from "./tree-diff.js";

export interface WorktreeChange {
  path: string;
  /** HEAD's version before the change (null: absent). */
  before: TreeFile | null;
  /** The new version (null: the path is deleted); `link`: a symbolic link whose target is `bytes`. */
  after: { oid: string; bytes: Uint8Array; executable: boolean; link?: boolean } | null;
}

/** What the working tree needs to go from tree `from` to tree `to`, file by file (links as links). */
export async function changesBetween(repo: Repo, from: string | null, to: string | null): Promise<WorktreeChange[]> {
  const changes: WorktreeChange[] = [];
  for (const diff of await diffTrees(repo, from, to)) {
    const after = diff.b && { oid: diff.b.oid, bytes: await readBlobBytes(repo, diff.b.oid), executable: diff.b.mode === "100755", link: diff.b.mode === "120000" };
    changes.push({ path: diff.path, before: diff.a, after });
  }
  return changes;
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

/**
 * The blob id of what is at `path` in the working tree, as git would record it: a file's bytes,
 * a symbolic link's target (never followed: a link to /dev/zero or out of the board is not
 * read). A directory, FIFO or device, or a file past MAX_COMPARED_BYTES, matches no blob, so
 * it counts as a person's and is left alone.
 */
function workingOid(root: string, path: string): string | null {
  const full = join(root, path);
  let stat;
  try {
    stat = lstatSync(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw error;
  }
  if (stat.isSymbolicLink()) return blobOid(Buffer.from(readlinkSync(full, { encoding: "buffer" })));
  if (!stat.isFile()) return "(not a file)";
  if (stat.size > MAX_COMPARED_BYTES) return "(too large to compare)";
  return blobOid(readFileSync(full));
}

/** Past this, a working file is not read to compare it (a bead is at most 1 MB). */
const MAX_COMPARED_BYTES = 64 * 1024 * 1024;

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
    if (change.after === null || change.after.link) {
      try {
        unlinkSync(full);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
    if (change.after?.link) {
      // As git checks one out (core.symlinks): a link, never followed by anything of ours.
      mkdirSync(dirname(full), { recursive: true });
      symlinkSync(Buffer.from(change.after.bytes).toString("utf8"), full);
    } else if (change.after !== null) {
      mkdirSync(dirname(full), { recursive: true });
      // Replaces a link at the path (rename), never writes through it.
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
    else await git.updateIndex({ ...base, oid: change.after.oid, mode: change.after.link ? 0o120000 : change.after.executable ? 0o100755 : 0o100644, add: true });
  }
}
