import * as fs from "node:fs";
import { chmodSync, mkdirSync, readFileSync, unlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PromiseFsClient } from "isomorphic-git";
import { isResourceError, removeBrokenLooseObjects, resourceErrorMessage } from "./resource-error.js";
import { writeFileAtomic } from "../os/atomic-write.js";
import { GitError } from "../errors.js";
import type { Identity } from "./author.js";
import { withIndexLock } from "./index-lock.js";
import { prepareNativeCommit, type BlobChange, type BuiltCommit } from "./native-commit.js";
import { compareAndSwapRef, currentBranchRef, readRef } from "./refs.js";
import { assertSupportedRepository, commonDir } from "./repository.js";
import { rewriteTree, type Blob } from "./rewrite-tree.js";

type Git = (typeof import("isomorphic-git"))["default"];

export interface FileChange {
  /** Path relative to the board root, forward slashes. */
  path: string;
  /** New content, or null to delete the path. */
  content: string | Uint8Array | null;
  executable?: boolean;
}

export interface CommitRequest {
  root: string;
  gitdir: string;
  changes: FileChange[];
  message: string;
  author: Identity;
  /** Who made the commit, when not the author (an agent's work committed by this machine's identity). */
  committer?: Identity;
  /** Shared isomorphic-git object cache for a long-lived process. */
  cache?: object;
  /**
   * Further parents after the branch tip: a merge commit (src/sync/sync.ts). A merge commit is
   * written even when the tree did not change, since it records that the other side is merged.
   */
  mergeParents?: string[];
  /**
   * The branch this writer works on (`bead up` records it at start). When HEAD names another
   * branch (a person ran `git checkout -b other`), nothing is committed: commits would land on
   * the person's branch and beads would run again.
   */
  branchRef?: string;
  /**
   * Also write `changes` into the work tree, under index.lock, just before the branch moves, and
   * put the old files back if the commit fails. Then the work tree is never ahead of the index for
   * these paths while a git command could look (only while we hold index.lock, which git respects).
   */
  writeWorktree?: boolean;
  /**
   * Runs under index.lock once the commit is built, just before the work tree, the ref and the
   * index are written: throw to abort with nothing changed (e.g. the file was saved again since
   * the caller read it).
   */
  verify?: () => void;
}

export interface CommitResult {
  oid: string;
  parent: string | null;
}

/**
 * Commit exactly `changes` on top of the branch tip: the new tree is HEAD's tree with those
 * paths replaced, so whatever a person has staged or left modified elsewhere is never swept
 * in. The branch moves only if it still points at the commit we built on; the index is then
 * brought in line with HEAD for the paths written, so `git status` stays clean for them.
 * Returns null when nothing changed (no empty commits). The caller holds the board lock.
 */
export async function commitPaths(request: CommitRequest): Promise<CommitResult | null> {
  const startedMs = Date.now();
  try {
    return await commitPathsUnchecked(request);
  } catch (error) {
    // A full disk is said as such, whichever path (native or isomorphic-git) hit it, and the
    // half-written objects it left are removed so that `git fsck` stays clean.
    if (isResourceError(error)) {
      removeBrokenLooseObjects(request.gitdir, startedMs);
      throw new GitError(resourceErrorMessage(error), { code: error.code }, { cause: error });
    }
    throw error;
  }
}

async function commitPathsUnchecked(request: CommitRequest): Promise<CommitResult | null> {
  const { root: dir, gitdir } = request;
  assertSupportedRepository(gitdir);
  // Hold index.lock for the whole commit, as `git commit` does, so a person's git command
  // waits for us (or we for it) instead of interleaving index, work tree and ref writes.
  return withIndexLock(gitdir, async (indexFs) => {
    const ref = currentBranchRef(gitdir);
    if (request.branchRef !== undefined && ref !== request.branchRef) {
      throw new GitError(`HEAD moved from ${request.branchRef} to ${ref}: nothing was committed; agents work only on ${request.branchRef.replace(/^refs\/heads\//, "")}. Switch back (git checkout ${request.branchRef.replace(/^refs\/heads\//, "")}) and start bead up again`, { expected: request.branchRef, head: ref, code: "HEAD_MOVED" });
    }
    const parent = readRef(gitdir, ref);
    const blobs = new Map<string, BlobChange>();
    for (const change of request.changes) {
      const content = change.content;
      if (content === null) blobs.set(change.path, null);
      else blobs.set(change.path, { bytes: typeof content === "string" ? Buffer.from(content, "utf8") : content, mode: change.executable ? "100755" : "100644" });
    }
    // Loose objects and a plain index (the common case) are handled natively; anything unusual
    // (packed objects, index extensions, sha256...) by isomorphic-git, imported only then.
    const built = prepareNativeCommit(dir, gitdir, parent, blobs) ?? (await buildWithIsomorphicGit(request, parent, blobs));
    const mergeParents = request.mergeParents ?? [];
    request.verify?.();
    const restore = request.writeWorktree ? writeWorktree(dir, request.changes) : () => undefined;
    if (built.tree === built.baseTree && mergeParents.length === 0) return null;
    let oid: string;
    try {
      const now = Math.floor(Date.now() / 1000);
      oid = await built.writeCommit({
        tree: built.tree,
        parents: [...(parent ? [parent] : []), ...mergeParents],
        author: { ...request.author, timestamp: now },
        committer: { ...(request.committer ?? request.author), timestamp: now },
        message: ensureNewline(request.message),
      });
      await compareAndSwapRef({
        gitdir,
        ref,
        expected: parent,
        next: oid,
        message: `commit: ${request.message}`,
        committer: `${(request.committer ?? request.author).name} <${(request.committer ?? request.author).email}>`,
      });
    } catch (error) {
      restore();
      throw error;
    }
    await built.syncIndex(indexFs);
    return { oid, parent };
  });
}

/**
 * Commit `changes` on `branchRef` while HEAD names another branch (issue 14, item 12: `bead up`
 * releasing its claims on the board's branch after a person's `git checkout -b other`). The
 * commit is built from that branch's own tree; the work tree and the index belong to the
 * checked-out branch and are not touched. The ref moves by compare-and-swap, as always.
 */
export async function commitOnBranch(request: Omit<CommitRequest, "writeWorktree" | "verify" | "mergeParents"> & { branchRef: string }): Promise<CommitResult | null> {
  const startedMs = Date.now();
  try {
    return await commitOnBranchUnchecked(request);
  } catch (error) {
    // As in commitPaths: a full disk is said as such and leaves no broken loose objects.
    if (isResourceError(error)) {
      removeBrokenLooseObjects(request.gitdir, startedMs);
      throw new GitError(resourceErrorMessage(error), { code: error.code }, { cause: error });
    }
    throw error;
  }
}

async function commitOnBranchUnchecked(request: Omit<CommitRequest, "writeWorktree" | "verify" | "mergeParents"> & { branchRef: string }): Promise<CommitResult | null> {
  const { gitdir } = request;
  assertSupportedRepository(gitdir);
  const parent = readRef(gitdir, request.branchRef);
  if (!parent) throw new GitError(`${request.branchRef} has no commit; nothing was committed`, { ref: request.branchRef });
  const blobs = new Map<string, BlobChange>();
  for (const change of request.changes) {
    const content = change.content;
    blobs.set(change.path, content === null ? null : { bytes: typeof content === "string" ? Buffer.from(content, "utf8") : content, mode: change.executable ? "100755" : "100644" });
  }
  const built = await buildWithIsomorphicGit(request, parent, blobs);
  if (built.tree === built.baseTree) return null;
  const now = Math.floor(Date.now() / 1000);
  const committer = request.committer ?? request.author;
  const oid = await built.writeCommit({ tree: built.tree, parents: [parent], author: { ...request.author, timestamp: now }, committer: { ...committer, timestamp: now }, message: ensureNewline(request.message) });
  await compareAndSwapRef({ gitdir, ref: request.branchRef, expected: parent, next: oid, message: `commit: ${request.message}`, committer: `${committer.name} <${committer.email}>` });
  return { oid, parent };
}

/** The commit built with isomorphic-git (the original implementation), for what the native path does not handle. */
async function buildWithIsomorphicGit(request: CommitRequest, parent: string | null, changes: ReadonlyMap<string, BlobChange>): Promise<BuiltCommit> {
  const { root: dir, cache = {} } = request;
  // isomorphic-git knows no linked worktrees: give it the directory that holds the objects
  // (commondir), and the worktree's own gitdir only for its index.
  const gitdir = commonDir(request.gitdir);
  const git: Git = (await import("isomorphic-git")).default;
  const baseTree = parent ? (await git.readCommit({ fs, dir, gitdir, oid: parent, cache })).commit.tree : null;
  const blobs = new Map<string, Blob | null>();
  for (const [path, change] of changes) {
    blobs.set(path, change === null ? null : { oid: await git.writeBlob({ fs, dir, gitdir, blob: change.bytes }), mode: change.mode });
  }
  const tree = await rewriteTree(git, { dir, gitdir, cache }, baseTree, blobs);
  return {
    baseTree,
    tree,
    writeCommit: async ({ tree: commitTree, parents, author, committer = author, message }) => {
      const treeOid = commitTree ?? (await git.writeTree({ fs, dir, gitdir, tree: [] }));
      return git.writeCommit({ fs, dir, gitdir, commit: { message, tree: treeOid, parent: parents, author: { ...author, timezoneOffset: 0 }, committer: { ...committer, timezoneOffset: 0 } } });
    },
    syncIndex: (indexFs) => syncIndex(git, indexFs, dir, request.gitdir, cache, blobs),
  };
}

/**
 * Write the changed files into the work tree (atomically, each), returning a function that puts
 * back what was there, for files that still hold what we wrote.
 */
function writeWorktree(root: string, changes: readonly FileChange[]): () => void {
  const previous: Array<{ full: string; before: Buffer | null; after: Buffer | null }> = [];
  for (const change of changes) {
    const full = join(root, change.path);
    const before = readOrNull(full);
    const after = change.content === null ? null : typeof change.content === "string" ? Buffer.from(change.content, "utf8") : Buffer.from(change.content);
    previous.push({ full, before, after });
    if (after === null) {
      if (before !== null) unlinkSync(full);
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    writeFileAtomic(full, after);
    if (change.executable) chmodSync(full, 0o755);
  }
  return () => {
    for (const { full, before, after } of previous.reverse()) {
      try {
        const now = readOrNull(full);
        if (now === null ? after !== null : after === null || !now.equals(after)) continue; // changed since: someone else's
        if (before === null) unlinkSync(full);
        else writeFileAtomic(full, before);
      } catch {
        // Best effort: the commit's own error is the one to report.
      }
    }
  };
}

function readOrNull(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** Index entries for the paths written, through the index lock's fs (see withIndexLock). */
async function syncIndex(git: Git, indexFs: PromiseFsClient, dir: string, gitdir: string, cache: object, blobs: ReadonlyMap<string, Blob | null>): Promise<void> {
  for (const [filepath, blob] of blobs) {
    if (blob === null) await git.updateIndex({ fs: indexFs, dir, gitdir, cache, filepath, remove: true, force: true });
    else await git.updateIndex({ fs: indexFs, dir, gitdir, cache, filepath, oid: blob.oid, mode: parseInt(blob.mode, 8), add: true });
  }
}

function ensureNewline(message: string): string {
  return message.endsWith("\n") ? message : `${message}\n`;
}
