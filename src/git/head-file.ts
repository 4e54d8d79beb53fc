import * as fs from "node:fs";
import git from "isomorphic-git";
import { currentBranchRef, readRef } from "./refs.js";

/**
 * The bytes of `path` in the branch tip (HEAD), or null when the branch has no commit yet or the
 * path is not in it. Claims use it to check the work tree against the board's source of truth.
 */
export async function readHeadFile(root: string, gitdir: string, path: string, cache: object = {}): Promise<Uint8Array | null> {
  const head = readRef(gitdir, currentBranchRef(gitdir));
  if (!head) return null;
  try {
    return (await git.readBlob({ fs, dir: root, gitdir, oid: head, filepath: path, cache })).blob;
  } catch (error) {
    if ((error as { code?: unknown }).code === "NotFoundError") return null;
    throw error;
  }
}
