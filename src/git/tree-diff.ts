/**
 * Reading trees with isomorphic-git: which files differ between two trees (identical subtrees
 * are skipped by oid, so a 10,000-bead folder costs one readTree per side), and one file's
 * entry or content in a tree.
 */
import * as fs from "node:fs";
import git, { type TreeEntry } from "isomorphic-git";
import type { FileVersion } from "./merge-file.js";

export interface Repo {
  dir: string;
  gitdir: string;
  cache: object;
}

export interface TreeFile {
  oid: string;
  mode: string;
}

export interface PathDiff {
  path: string;
  a: TreeFile | null;
  b: TreeFile | null;
}

export async function commitTree(repo: Repo, commit: string | null): Promise<string | null> {
  if (commit === null) return null;
  return (await git.readCommit({ fs, dir: repo.dir, gitdir: repo.gitdir, oid: commit, cache: repo.cache })).commit.tree;
}

async function entries(repo: Repo, tree: string | null): Promise<Map<string, TreeEntry>> {
  if (tree === null) return new Map();
  const { tree: list } = await git.readTree({ fs, dir: repo.dir, gitdir: repo.gitdir, oid: tree, cache: repo.cache });
  return new Map(list.map((entry) => [entry.path, entry]));
}

/** Every file path whose blob or mode differs between tree `a` and tree `b` (submodules are left alone). */
export async function diffTrees(repo: Repo, a: string | null, b: string | null, prefix = ""): Promise<PathDiff[]> {
  if (a === b) return [];
  const [left, right] = await Promise.all([entries(repo, a), entries(repo, b)]);
  const out: PathDiff[] = [];
  for (const name of new Set([...left.keys(), ...right.keys()])) {
    const x = left.get(name);
    const y = right.get(name);
    if (x && y && x.oid === y.oid && x.mode === y.mode) continue;
    const path = prefix + name;
    const xTree = x?.type === "tree" ? x.oid : null;
    const yTree = y?.type === "tree" ? y.oid : null;
    if (xTree !== null || yTree !== null) out.push(...(await diffTrees(repo, xTree, yTree, `${path}/`)));
    const xFile = x?.type === "blob" ? { oid: x.oid, mode: x.mode } : null;
    const yFile = y?.type === "blob" ? { oid: y.oid, mode: y.mode } : null;
    if (xFile !== null || yFile !== null) out.push({ path, a: xFile, b: yFile });
  }
  return out;
}

/** The blob at `path` in `tree`, or null. */
export async function fileAt(repo: Repo, tree: string | null, path: string): Promise<TreeFile | null> {
  let current = tree;
  const parts = path.split("/");
  for (let i = 0; i < parts.length; i++) {
    if (current === null) return null;
    const entry = (await entries(repo, current)).get(parts[i]!);
    if (!entry) return null;
    if (i === parts.length - 1) return entry.type === "blob" ? { oid: entry.oid, mode: entry.mode } : null;
    current = entry.type === "tree" ? entry.oid : null;
  }
  return null;
}

export async function readBlobBytes(repo: Repo, oid: string): Promise<Uint8Array> {
  return (await git.readBlob({ fs, dir: repo.dir, gitdir: repo.gitdir, oid, cache: repo.cache })).blob;
}

export async function writeBlobBytes(repo: Repo, bytes: Uint8Array): Promise<string> {
  return git.writeBlob({ fs, dir: repo.dir, gitdir: repo.gitdir, blob: bytes });
}

/** The same blob with the same mode (or both absent). */
export function sameFile(a: TreeFile | null, b: TreeFile | null): boolean {
  return a === null || b === null ? a === b : a.oid === b.oid && a.mode === b.mode;
}

/** A tree entry's bytes and executable bit, as the three-way merge of one path takes them (git/merge-file.ts). */
export async function fileVersion(repo: Repo, file: TreeFile | null): Promise<FileVersion | null> {
  return file === null ? null : { bytes: await readBlobBytes(repo, file.oid), executable: file.mode === "100755" };
}
