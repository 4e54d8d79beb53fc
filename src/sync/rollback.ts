/**
 * Take back the local commit at the branch tip that never reached the remote (a claim whose
 * push lost): the branch goes back to its parent, and the files it changed go back in the
 * working tree unless a person has saved them since. The caller holds the board lock.
 */
import * as fs from "node:fs";
import git from "isomorphic-git";
import type { WriteContext } from "../board/write.js";
import { withIndexLock } from "../git/index-lock.js";
import { indexRepoOf, repoOf } from "./sync.js";
import { compareAndSwapRef, currentBranchRef, readRef } from "../git/refs.js";
import { commitTree } from "../git/tree-diff.js";
import { changesBetween, updateIndexFor, writeWorktree } from "../git/worktree.js";

export interface Rollback {
  /** False when the commit is no longer the branch tip (something was committed on top): it stays. */
  rolledBack: boolean;
  /** Files left as a person saved them (they differ from the commit being taken back). */
  kept: string[];
}

export async function rollbackTipLocked(ctx: WriteContext, oid: string): Promise<Rollback> {
  // Objects for isomorphic-git in the common directory; HEAD, the index and the ref through this worktree's gitdir.
  const repo = repoOf(ctx);
  const ref = currentBranchRef(ctx.paths.gitdir);
  if (readRef(ctx.paths.gitdir, ref) !== oid) return { rolledBack: false, kept: [] };
  const { commit } = await git.readCommit({ fs, dir: repo.dir, gitdir: repo.gitdir, oid, cache: repo.cache });
  const parent = commit.parent[0];
  if (parent === undefined) return { rolledBack: false, kept: [] };
  const changes = await changesBetween(repo, commit.tree, await commitTree(repo, parent));
  return withIndexLock(ctx.paths.gitdir, async (indexFs) => {
    const { skipped } = writeWorktree(repo.dir, changes);
    const subject = commit.message.split("\n")[0] ?? "";
    await compareAndSwapRef({
      gitdir: ctx.paths.gitdir,
      ref,
      expected: oid,
      next: parent,
      message: `rollback: ${subject} (not accepted by the remote)`,
      committer: `${ctx.identity.name} <${ctx.identity.email}>`,
    });
    await updateIndexFor(indexRepoOf(ctx), changes, indexFs);
    return { rolledBack: true, kept: skipped };
  });
}
