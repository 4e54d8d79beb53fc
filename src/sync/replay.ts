/**
 * Replaying local commits on the remote's tip (DESIGN §5 step 3: "replay it on the new tip"),
 * as `git pull --rebase` does, instead of a merge commit.
 *
 * Why: a merge commit is not only noise in the log (3 merges per claim, measured with four
 * clones), it makes every push after it expensive. isomorphic-git lists what to send by
 * walking from our tip back to a commit the server advertised, and a merge's own side never
 * reaches one: the push walked, and sent, the whole history every time, so the clones that
 * had to merge were the slowest to push and kept losing. A replayed branch is the remote's tip
 * plus our own commits, and a push sends just those.
 *
 * Each local commit is applied as the change it made to its parent, path by path, with the
 * same merge rules as a merge (bead-aware fields, memory as a union, other files by lines or
 * `.theirs`), and keeps its author, date and message; the committer is this machine. Only
 * commits that exist nowhere else are replayed. Anything that would lose information falls
 * back to the merge: a merge commit among ours (`bead merge` records a branch's history), a
 * signed commit (a new commit would drop the signature), more than MAX_REPLAYED commits.
 */
import * as fs from "node:fs";
import git, { type CommitObject } from "isomorphic-git";
import type { MergeNote } from "../git/merge-bead.js";
import { mergePath } from "../git/merge-file.js";
import { rewriteTree, type Blob } from "../git/rewrite-tree.js";
import { commitTree, diffTrees, fileAt, fileVersion, sameFile, writeBlobBytes, type Repo, type TreeFile } from "../git/tree-diff.js";
import type { Identity } from "../git/author.js";

/** More local commits than this are merged, not replayed (a person's long-lived local work). */
export const MAX_REPLAYED = 100;

export interface ReplayOptions {
  /** More of our commits than this: merge instead (default MAX_REPLAYED). */
  maxCommits?: number;
  now?: () => number;
}

export interface Replayed {
  /** The new tip: `onto` plus our commits (equal to `onto` when they all turned out empty). */
  head: string;
  /** How many of our commits were written on top of `onto`. */
  commits: number;
  notes: MergeNote[];
}

/**
 * Write `local`'s own commits (those not reachable from `onto`) on top of `onto`. Writes
 * objects only: the branch, the index and the working tree are the caller's to move. Returns
 * null when these commits must be merged instead (see above).
 */
export async function replayOnto(repo: Repo, local: string, onto: string, committer: Identity, options: ReplayOptions = {}): Promise<Replayed | null> {
  const own = await ownCommits(repo, local, onto, options.maxCommits ?? MAX_REPLAYED);
  if (own === null) return null;
  const now = options.now ?? Date.now;
  let head = onto;
  let tree = await commitTree(repo, onto);
  let commits = 0;
  const notes: MergeNote[] = [];
  for (const { commit } of own) {
    const parentTree = await commitTree(repo, commit.parent[0]!);
    const applied = await applyChange(repo, commit, parentTree, tree);
    notes.push(...applied.notes);
    // A change the remote already has leaves nothing to record; a commit made empty on purpose stays.
    if (applied.tree === tree && commit.tree !== parentTree) continue;
    tree = applied.tree;
    const timestamp = Math.floor(now() / 1000);
    head = await git.writeCommit({
      fs,
      dir: repo.dir,
      gitdir: repo.gitdir,
      commit: { ...commit, tree: tree ?? (await git.writeTree({ fs, dir: repo.dir, gitdir: repo.gitdir, tree: [] })), parent: [head], committer: { ...committer, timestamp, timezoneOffset: 0 } },
    });
    commits++;
  }
  return { head, commits, notes };
}

/** `local`'s commits not in `onto`, oldest first; null when one of them must not be rewritten. */
async function ownCommits(repo: Repo, local: string, onto: string, maxCommits: number): Promise<Array<{ oid: string; commit: CommitObject }> | null> {
  const bases = (await git.findMergeBase({ fs, dir: repo.dir, gitdir: repo.gitdir, cache: repo.cache, oids: [local, onto] })) as string[];
  if (bases.length !== 1) return null;
  const own: Array<{ oid: string; commit: CommitObject }> = [];
  for (let oid = local; oid !== bases[0]; ) {
    const { commit } = await git.readCommit({ fs, dir: repo.dir, gitdir: repo.gitdir, oid, cache: repo.cache });
    if (commit.parent.length !== 1 || commit.gpgsig !== undefined || own.length === maxCommits) return null;
    own.unshift({ oid, commit });
    oid = commit.parent[0]!;
  }
  return own;
}

/** `tree` with the change `commit` made to its parent applied, path by path. */
async function applyChange(repo: Repo, commit: CommitObject, parentTree: string | null, tree: string | null): Promise<{ tree: string | null; notes: MergeNote[] }> {
  const blobs = new Map<string, Blob | null>();
  const notes: MergeNote[] = [];
  for (const change of await diffTrees(repo, parentTree, commit.tree)) {
    // Changed here, renamed on the remote (`git mv`, content as we found it): the change goes to the new name.
    const renamed = change.a !== null && change.b !== null ? await renamedTo(repo, tree, change.path, change.a) : null;
    if (renamed !== null) notes.push({ path: change.path, kind: "renamed", detail: `renamed to ${renamed} on the remote; this change was made there` });
    const diff = renamed === null ? change : { ...change, path: renamed };
    const current = await fileAt(repo, tree, diff.path);
    if (sameFile(current, diff.b)) continue; // the remote has our version already
    if (sameFile(current, diff.a)) {
      blobs.set(diff.path, diff.b && { oid: diff.b.oid, mode: blobMode(diff.b.mode) });
      continue;
    }
    // Both changed it: ours is the commit's version, theirs the remote's, from the commit's parent.
    const merged = mergePath(diff.path, await fileVersion(repo, diff.a), await fileVersion(repo, diff.b), await fileVersion(repo, current));
    notes.push(...merged.notes);
    for (const file of merged.files) {
      blobs.set(file.path, file.version && { oid: await writeBlobBytes(repo, file.version.bytes), mode: file.version.executable ? "100755" : "100644" });
    }
  }
  return { tree: blobs.size === 0 ? tree : await rewriteTree(git, repo, tree, blobs), notes };
}

/**
 * Where the remote moved `path` to: it is gone from `tree`, and exactly one other file in the
 * same folder holds the very version (`was`) we changed. Not found, or not one: null (then the
 * usual rule applies: a file deleted there and changed here is kept).
 */
async function renamedTo(repo: Repo, tree: string | null, path: string, was: TreeFile): Promise<string | null> {
  if ((await fileAt(repo, tree, path)) !== null) return null;
  const slash = path.lastIndexOf("/");
  const folder = slash === -1 ? "" : path.slice(0, slash + 1);
  const folderTree = folder === "" ? tree : await treeAt(repo, tree, folder.slice(0, -1));
  if (folderTree === null) return null;
  const { tree: entries } = await git.readTree({ fs, dir: repo.dir, gitdir: repo.gitdir, oid: folderTree, cache: repo.cache });
  const same = entries.filter((entry) => entry.type === "blob" && entry.oid === was.oid);
  return same.length === 1 ? folder + same[0]!.path : null;
}

/** The tree at folder `path` in `tree`, or null. */
async function treeAt(repo: Repo, tree: string | null, path: string): Promise<string | null> {
  let current = tree;
  for (const part of path.split("/")) {
    if (current === null) return null;
    const { tree: entries } = await git.readTree({ fs, dir: repo.dir, gitdir: repo.gitdir, oid: current, cache: repo.cache });
    const entry = entries.find((e) => e.path === part && e.type === "tree");
    current = entry?.oid ?? null;
  }
  return current;
}


/** The entry's mode as it was: a symbolic link stays one. */
function blobMode(mode: string): Blob["mode"] {
  return mode === "100755" || mode === "120000" ? mode : "100644";
}

