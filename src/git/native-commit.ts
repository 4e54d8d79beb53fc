import { lstatSync, readFileSync, type BigIntStats } from "node:fs";
import { join } from "node:path";
import type { PromiseFsClient } from "isomorphic-git";
import { isResourceError, resourceErrorMessage } from "./resource-error.js";
import { GitError } from "../errors.js";
import { emptyIndex, indexKey, makeEntry, parseIndex, serializeIndex, setEntry, type GitIndexFile, type IndexEntry } from "./index-file.js";
import { commitTree, NativeUnsupported, readLooseObject, serializeCommit, writeLooseObject } from "./objects.js";
import { nameKey, openTree, readLooseTree, rememberTree, type TreeItem } from "./tree-object.js";

/**
 * The common case of src/git/commit-paths.ts without isomorphic-git: HEAD's commit and the trees
 * on the changed paths are loose objects, the index is version 2/3 with no extension we cannot
 * drop, the repository uses SHA-1 (commitPaths checks that first: a sha256 repository is refused, never
 * handed to isomorphic-git, which would write a SHA-1 commit onto its branch). prepareNativeCommit checks all of that and builds the trees
 * before anything visible happens; it returns null (the caller then uses isomorphic-git) when
 * something is unusual.
 */

/** A path's new blob (bytes and mode), or null to delete the path. */
export type BlobChange = { bytes: Uint8Array; oid?: string; mode: "100644" | "100755" } | null;

export interface CommitAuthor {
  name: string;
  email: string;
  timestamp: number;
}

export interface BuiltCommit {
  baseTree: string | null;
  /** The new root tree; null for an empty tree. Equals baseTree when nothing changed. */
  tree: string | null;
  writeCommit(commit: { tree: string | null; parents: string[]; author: CommitAuthor; committer?: CommitAuthor; message: string }): Promise<string>;
  /** Bring the index in line with the commit for the changed paths, through the index lock's fs (see withIndexLock). */
  syncIndex(indexFs: PromiseFsClient): Promise<void>;
}

export function prepareNativeCommit(root: string, gitdir: string, parent: string | null, blobs: ReadonlyMap<string, BlobChange>): BuiltCommit | null {
  try {
    const baseTree = parent ? commitTreeOf(gitdir, parent) : null;
    const index = readIndex(gitdir);
    const staged: Array<{ entry: IndexEntry; path: string; bytes: Uint8Array; oid: string; mode: "100644" | "100755" }> = [];
    for (const [path, blob] of blobs) {
      if (blob === null) {
        setEntry(index, indexKey(path), null);
        continue;
      }
      blob.oid = writeLooseObject(gitdir, "blob", blob.bytes);
      const entry = makeEntry(path, blob.oid, blob.mode === "100755" ? 0o100755 : 0o100644, null);
      setEntry(index, entry.key, entry);
      staged.push({ entry, path, bytes: blob.bytes, oid: blob.oid, mode: blob.mode });
    }
    const tree = rewriteTree(gitdir, baseTree, "", blobs);
    return {
      baseTree,
      tree,
      writeCommit: async ({ tree: commitTreeOid, parents, author, committer = author, message }) => {
        const line = (who: CommitAuthor) => `${who.name} <${who.email}> ${who.timestamp} +0000`;
        const treeOid = commitTreeOid ?? writeLooseObject(gitdir, "tree", Buffer.alloc(0));
        return writeLooseObject(gitdir, "commit", serializeCommit({ tree: treeOid, parents, author: line(author), committer: line(committer), message }));
      },
      syncIndex: async (indexFs) => {
        if (blobs.size === 0) return; // as with isomorphic-git: no path, no index write
        for (const item of staged) {
          const stat = statIfHolds(join(root, item.path), item.bytes, item.mode === "100755");
          if (stat) Object.assign(item.entry, makeEntry(item.path, item.oid, item.mode === "100755" ? 0o100755 : 0o100644, stat));
        }
        await indexFs.promises.writeFile(join(gitdir, "index"), serializeIndex(index));
      },
    };
  } catch (error) {
    // Only what this path knows it cannot do (packed objects, an index version or extension it
    // does not handle) goes to isomorphic-git. Anything else (ENOSPC, EIO, EACCES, a bug) is a
    // failure: trying another writer would hide it, or half-write the same thing twice.
    if (error instanceof NativeUnsupported) return null;
    if (isResourceError(error)) throw new GitError(resourceErrorMessage(error), { code: error.code }, { cause: error });
    throw error;
  }
}

function commitTreeOf(gitdir: string, oid: string): string {
  const object = readLooseObject(gitdir, oid);
  if (object.type !== "commit") throw new NativeUnsupported(`${oid} is a ${object.type}`);
  return commitTree(object.body);
}

function readIndex(gitdir: string): GitIndexFile {
  let data: Buffer;
  try {
    data = readFileSync(join(gitdir, "index"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyIndex();
    throw error;
  }
  return parseIndex(data);
}

/** The same rewrite as commit-paths.ts's isomorphic-git one: only trees on changed paths are rebuilt. */
function rewriteTree(gitdir: string, treeOid: string | null, prefix: string, blobs: ReadonlyMap<string, BlobChange>): string | null {
  const files = new Map<string, BlobChange>();
  const children = new Map<string, Map<string, BlobChange>>();
  for (const [path, blob] of blobs) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash === -1) files.set(nameKey(rest), blob);
    else {
      const key = nameKey(rest.slice(0, slash));
      if (!children.has(key)) children.set(key, new Map());
      children.get(key)!.set(path, blob);
    }
  }
  const tree = treeOid ? readLooseTree(gitdir, treeOid) : openTree(Buffer.alloc(0));
  const existing = tree.lookup([...files.keys(), ...children.keys()]);
  const edits = new Map<string, TreeItem | null>();
  for (const [key, blob] of files) {
    const current = existing.get(key);
    if (blob === null) {
      if (current) edits.set(key, null);
    } else {
      if (!blob.oid) throw new NativeUnsupported(`no blob for ${prefix}${key}`);
      if (!current || current.oid !== blob.oid || current.mode !== blob.mode) edits.set(key, { mode: blob.mode, oid: blob.oid });
    }
  }
  for (const [key, childBlobs] of children) {
    // As in the isomorphic-git version, a file written at this name in the same commit comes first.
    const current = files.has(key) ? (files.get(key) ? { mode: "100644" as const, oid: "" } : null) : (existing.get(key) ?? null);
    const name = Buffer.from(key, "latin1").toString("utf8");
    if (current && current.mode !== "40000") throw new GitError(`cannot write below ${prefix}${name}: it is a file in HEAD`, { path: prefix + name });
    const childOid = rewriteTree(gitdir, current?.oid ?? null, `${prefix}${name}/`, childBlobs);
    if (childOid === (current?.oid ?? null)) continue;
    edits.set(key, childOid === null ? null : { mode: "40000", oid: childOid });
  }
  if (edits.size === 0) return treeOid;
  const next = tree.edit(edits);
  if (next.length === 0) return null;
  const oid = writeLooseObject(gitdir, "tree", next);
  rememberTree(gitdir, oid, next);
  return oid;
}

/**
 * The work-tree file's stat data, if it is a regular file holding exactly `bytes` (with the
 * executable bit as committed) and did not change while we looked; otherwise null, and the index
 * entry keeps zero stat data so git compares content instead of trusting it.
 */
function statIfHolds(full: string, bytes: Uint8Array, executable: boolean): BigIntStats | null {
  try {
    const before = lstatSync(full, { bigint: true });
    if (!before.isFile() || before.size !== BigInt(bytes.length) || ((before.mode & 0o111n) !== 0n) !== executable) return null;
    if (!readFileSync(full).equals(bytes)) return null;
    const after = lstatSync(full, { bigint: true });
    const same = after.mtimeNs === before.mtimeNs && after.ctimeNs === before.ctimeNs && after.ino === before.ino && after.size === before.size;
    return same ? after : null;
  } catch {
    return null;
  }
}
