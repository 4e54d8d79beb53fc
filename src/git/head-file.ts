import * as fs from "node:fs";
import { commitTree, NativeUnsupported, readLooseObject } from "./objects.js";
import { nameKey, readLooseTree } from "./tree-object.js";
import { currentBranchRef, readRef } from "./refs.js";
import { commonDir } from "./repository.js";

/**
 * The bytes of `path` in the branch tip (HEAD), or null when the branch has no commit yet or the
 * path is not in it. Claims use it to check the work tree against the board's source of truth.
 * Read from loose objects directly when it can be (every claim needs it, and loading
 * isomorphic-git costs more than the claim); isomorphic-git, loaded on demand, reads the rest.
 */
export async function readHeadFile(root: string, gitdir: string, path: string, cache: object = {}): Promise<Uint8Array | null> {
  return readFileAtRef(root, gitdir, currentBranchRef(gitdir), path, cache);
}

/** The bytes of `path` in the tip of `ref` (a branch that need not be checked out), or null. */
export async function readFileAtRef(root: string, gitdir: string, ref: string, path: string, cache: object = {}): Promise<Uint8Array | null> {
  const head = readRef(gitdir, ref);
  if (!head) return null;
  try {
    return readNative(gitdir, head, path);
  } catch (error) {
    if (!(error instanceof NativeUnsupported)) throw error;
  }
  const { default: git } = await import("isomorphic-git");
  try {
    // isomorphic-git knows no linked worktrees: the objects are in the common dir.
    return (await git.readBlob({ fs, dir: root, gitdir: commonDir(gitdir), oid: head, filepath: path, cache })).blob;
  } catch (error) {
    if ((error as { code?: unknown }).code === "NotFoundError") return null;
    throw error;
  }
}

/**
 * The blob id of `path` in the branch tip, null when it is not there, undefined when that cannot
 * be told from loose objects. A file whose bytes hash to this id is the committed version, and
 * need not be read from git at all (its blob is usually packed, and reading packs means loading
 * isomorphic-git).
 */
export function headBlobId(gitdir: string, path: string): string | null | undefined {
  const head = readRef(gitdir, currentBranchRef(gitdir));
  if (!head) return null;
  try {
    return blobIdAt(gitdir, head, path);
  } catch (error) {
    if (error instanceof NativeUnsupported) return undefined;
    throw error;
  }
}

function blobIdAt(gitdir: string, commit: string, path: string): string | null {
  const head = readLooseObject(gitdir, commit);
  if (head.type !== "commit") throw new NativeUnsupported(`${commit} is not a commit`);
  let oid = commitTree(head.body);
  const segments = path.split("/");
  for (const [index, segment] of segments.entries()) {
    const key = nameKey(segment);
    const item = readLooseTree(gitdir, oid).lookup([key]).get(key);
    if (!item) return null;
    const last = index === segments.length - 1;
    if (last !== (item.mode !== "40000")) return null; // a directory where a file is asked for, or the reverse
    oid = item.oid;
  }
  return oid;
}

function readNative(gitdir: string, commit: string, path: string): Uint8Array | null {
  const oid = blobIdAt(gitdir, commit, path);
  if (oid === null) return null;
  const blob = readLooseObject(gitdir, oid);
  if (blob.type !== "blob") throw new NativeUnsupported(`${oid} is not a blob`);
  return blob.body;
}
