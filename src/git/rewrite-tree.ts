/**
 * A tree like `treeOid` with some paths replaced or deleted, written with isomorphic-git: only
 * the trees on the changed paths are rebuilt, every other subtree keeps its oid (a commit of
 * one bead among 10,000 writes two trees). Used to commit on the branch tip and to replay a
 * commit on another base (src/sync/replay.ts). isomorphic-git is passed in, so that a caller
 * that loads it lazily keeps doing so.
 */
import * as fs from "node:fs";
import type { TreeEntry } from "isomorphic-git";
import { GitError } from "../errors.js";

type Git = (typeof import("isomorphic-git"))["default"];

/** A file (plain or executable) or a symbolic link (its target as the blob). */
export type Blob = { oid: string; mode: "100644" | "100755" | "120000" };

/** Where the objects are (for a linked worktree: the common directory) and the object cache. */
export interface TreeRepo {
  dir: string;
  gitdir: string;
  cache: object;
}

/** `treeOid` with `blobs` (path → new blob, or null to delete) applied; null for an empty tree. */
export function rewriteTree(git: Git, repo: TreeRepo, treeOid: string | null, blobs: ReadonlyMap<string, Blob | null>): Promise<string | null> {
  return rewriteBelow(git, repo, treeOid, "", blobs);
}

async function rewriteBelow(git: Git, repo: TreeRepo, treeOid: string | null, prefix: string, blobs: ReadonlyMap<string, Blob | null>): Promise<string | null> {
  const { dir, gitdir, cache } = repo;
  const entries: TreeEntry[] = treeOid ? [...(await git.readTree({ fs, dir, gitdir, oid: treeOid, cache })).tree] : [];
  const children = new Map<string, Map<string, Blob | null>>();
  let changed = false;
  for (const [path, blob] of blobs) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash === -1) {
      const at = entries.findIndex((entry) => entry.path === rest);
      if (blob === null) {
        if (at !== -1) {
          entries.splice(at, 1);
          changed = true;
        }
      } else if (at === -1) {
        entries.push({ mode: blob.mode, path: rest, oid: blob.oid, type: "blob" });
        changed = true;
      } else if (entries[at]!.oid !== blob.oid || entries[at]!.type !== "blob" || entries[at]!.mode !== blob.mode) {
        entries[at] = { mode: blob.mode, path: rest, oid: blob.oid, type: "blob" };
        changed = true;
      }
    } else {
      const name = rest.slice(0, slash);
      if (!children.has(name)) children.set(name, new Map());
      children.get(name)!.set(path, blob);
    }
  }
  for (const [name, childBlobs] of children) {
    const at = entries.findIndex((entry) => entry.path === name);
    const existing = at === -1 ? null : entries[at]!;
    if (existing && existing.type !== "tree") throw new GitError(`cannot write below ${prefix}${name}: it is a file in HEAD`, { path: prefix + name });
    const childOid = await rewriteBelow(git, repo, existing?.oid ?? null, `${prefix}${name}/`, childBlobs);
    if (childOid === (existing?.oid ?? null)) continue;
    changed = true;
    if (childOid === null) entries.splice(at, 1);
    else if (existing) entries[at] = { ...existing, oid: childOid };
    else entries.push({ mode: "040000", path: name, oid: childOid, type: "tree" });
  }
  if (!changed) return treeOid;
  if (entries.length === 0) return null;
  return git.writeTree({ fs, dir, gitdir, tree: entries });
}

