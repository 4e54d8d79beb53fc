/**
 * Take back the local commit at the branch tip that never reached the remote (a claim whose
 * push lost): the branch goes back to its parent, and the files it changed go back in the
 * working tree unless a person has saved them since. The caller holds the board lock.
 */
import * as fs from "node:fs";
import git from "isomorphic-git";
import type { WriteContext } from "../board/write.js";
import { withIndexLock } from "../git/index-lock.js";
import { commonDir } from "../git/repository.js";
import { compareAndSwapRef, currentBranchRef, readRef } from "../git/refs.js";
import { commitTree, diffTrees, readBlobBytes } from "../git/tree-diff.js";
import { updateIndexFor, writeWorktree, type WorktreeChange } from "../git/worktree.js";

export interface Rollback {
  /** False when the commit is no longer the branch tip (something was committed on top): it stays. */
  rolledBack: boolean;
  /** Files left as a person saved them (they differ from the commit being taken back). */
  kept: string[];
}

export async function rollbackTipLocked(ctx: WriteContext, oid: string): Promise<Rollback> {
  // Objects for isomorphic-git in the common directory; HEAD, the index and the ref through this worktree's gitdir.
  const repo = { dir: ctx.paths.root, gitdir: commonDir(ctx.paths.gitdir), cache: ctx.cache };
  const ref = currentBranchRef(ctx.paths.gitdir);
  if (readRef(ctx.paths.gitdir, ref) !== oid) return { rolledBack: false, kept: [] };
  const { commit } = await git.readCommit({ fs, dir: repo.dir, gitdir: repo.gitdir, oid, cache: repo.cache });
  const parent = commit.parent[0];
  if (parent === undefined) return { rolledBack: false, kept: [] };
  const changes: WorktreeChange[] = [];
  for (const diff of await diffTrees(repo, commit.tree, await commitTree(repo, parent))) {
    const after = diff.b ? { oid: diff.b.oid, bytes: await readBlobBytes(repo, diff.b.oid), executable: diff.b.mode === "100755", link: diff.b.mode === "120000" } : null;
    changes.push({ path: diff.path, before: diff.a, after });
  }
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
    await updateIndexFor({ ...repo, gitdir: ctx.paths.gitdir }, changes, indexFs);
    return { rolledBack: true, kept: skipped };
  });
}
