/**
 * `bead sync`: fetch, bring the local branch up to the remote (fast-forward, our own commits
 * replayed on its tip (./replay.ts), or a merge commit, with the bead-aware merge), check the
 * result out into the working tree without ever overwriting a person's unsaved edit, and push
 * (never forced). A push that loses the race to another clone fetches, replays and tries
 * again, a bounded number of times with jitter.
 * Everything that touches .git runs under the board lock.
 */
import * as fs from "node:fs";
import git from "isomorphic-git";
import type { WriteContext } from "../board/write.js";
import { GitError, PushKeepsLosingError, UnsavedEditError } from "../errors.js";
import { withBoardLock } from "../git/board-lock.js";
import { commitPaths } from "../git/commit-paths.js";
import type { MergeNote } from "../git/merge-bead.js";
import { mergePath, type FileVersion } from "../git/merge-file.js";
import { fetchRemote, pauseUnlessStopped, redactUrl, REMOTE_NAME, stopIfAborted, type Remote } from "./remote.js";
import { pushBranch, type PushOutcome } from "./push.js";
import { compareAndSwapRef, currentBranchRef, readRef } from "../git/refs.js";
import { commitTree, diffTrees, fileAt, fileVersion, sameFile, writeBlobBytes, type Repo } from "../git/tree-diff.js";
import { withIndexLock } from "../git/index-lock.js";
import { commonDir } from "../git/repository.js";
import { replayOnto } from "./replay.js";
import { countTurns, fetchBroughtOthers, fetchStarting, pushed, yieldLeft } from "./turns.js";
import { changesBetween, unsavedEdits, updateIndexFor, writeWorktree, type WorktreeChange } from "../git/worktree.js";

/**
 * What happened to the local branch: nothing, a fast-forward, our own commits replayed on the
 * remote's tip (./replay.ts), a merge commit; "ahead": only we had new commits.
 */
export type SyncAction = "up-to-date" | "ahead" | "fast-forward" | "rebased" | "merged";

export interface IntegrateResult {
  action: SyncAction;
  /** Local tip before and after. */
  before: string | null;
  head: string | null;
  /** The remote branch's tip as fetched (null: the remote has no such branch yet). */
  remote: string | null;
  /** Working-tree paths sync changed. */
  files: string[];
  /** Paths a person saved while sync was writing: left as the person's version (uncommitted). */
  skipped: string[];
  notes: MergeNote[];
}

export interface SyncResult extends IntegrateResult {
  pushed: boolean;
  /** Rounds of fetch-replay-push it took (a push lost to another clone costs a round). */
  attempts: number;
}

export interface SyncOptions {
  /** Default true. */
  push?: boolean;
  /** Rounds before PushKeepsLosingError (default 8). */
  maxAttempts?: number;
  /** Base of the randomized backoff between rounds (default 25 ms). */
  retryDelayMs?: number;
}

const ACTION_RANK: Record<SyncAction, number> = { "up-to-date": 0, ahead: 1, "fast-forward": 2, rebased: 3, merged: 4 };

/**
 * The repository as isomorphic-git is given it: objects and refs in the common directory. In a
 * linked worktree (`git worktree add`) the board's own gitdir holds only HEAD and the index;
 * isomorphic-git knows nothing of worktrees, so HEAD, the index and our compare-and-swap of the
 * branch go through `ctx.paths.gitdir` (src/git/refs.ts places each ref) and `indexRepoOf`.
 */
export function repoOf(ctx: WriteContext): Repo {
  return { dir: ctx.paths.root, gitdir: commonDir(ctx.paths.gitdir), cache: ctx.cache };
}

/** For the index of this worktree (git/worktree.ts#updateIndexFor). */
export function indexRepoOf(ctx: WriteContext): Repo {
  return { dir: ctx.paths.root, gitdir: ctx.paths.gitdir, cache: ctx.cache };
}

/** Jittered exponential backoff: about base·2^attempt, at most a second, never in lockstep with other clones. */
export function backoffMs(attempt: number, baseMs = 25): number {
  return Math.min(1000, baseMs * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random());
}

const lastRound = new Map<string, number>();
/** Longer than a lock waiter's poll (5–30 ms, ./board-lock.ts), so a waiter gets its turn. */
const HANDOFF_MS = 40;

/**
 * Run one network round (fetch, replay, push) under the board lock. Rounds hold the lock for
 * a few hundred ms, and the lock is polled, not queued: a process running rounds back to back
 * would starve the others on the same board (a publish could wait for seconds). So a round
 * that follows this process's previous round within HANDOFF_MS waits out the rest first.
 */
export async function withNetworkRound<T>(ctx: WriteContext, work: () => Promise<T>, remote?: Remote): Promise<T> {
  const since = Date.now() - (lastRound.get(ctx.paths.stateDir) ?? Number.NEGATIVE_INFINITY);
  // After a push that won while other clones push too, their turn first (./contention.ts).
  const wait = Math.max(HANDOFF_MS - since, yieldLeft(ctx.paths.stateDir, Date.now()));
  if (remote) await pauseUnlessStopped(remote, Math.max(0, wait), "a wait for the next network round");
  else if (wait > 0) await sleep(wait);
  try {
    return await withBoardLock(ctx.paths.stateDir, work);
  } finally {
    lastRound.set(ctx.paths.stateDir, Date.now());
  }
}

export async function syncBoard(ctx: WriteContext, remote: Remote, options: SyncOptions = {}): Promise<SyncResult> {
  const maxAttempts = options.maxAttempts ?? 8;
  const push = options.push ?? true;
  let total: SyncResult | undefined;
  let lastReason = "";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const round = await withNetworkRound(
      ctx,
      async () => {
        const integrated = await integrateLocked(ctx, remote);
        // Merged and checked out, not pushed: consistent, and the next sync pushes it.
        if (push) stopIfAborted(remote, "a sync, before pushing");
        return { integrated, pushed: push ? await pushLocked(ctx, remote) : null };
      },
      remote,
    );
    total = accumulate(total, round.integrated, attempt);
    if (round.pushed === null || round.pushed.ok) {
      total.pushed = round.pushed !== null && round.pushed.pushed !== null;
      if (total.pushed) total.remote = total.head;
      return total;
    }
    lastReason = round.pushed.reason;
    if (attempt < maxAttempts) await pauseUnlessStopped(remote, backoffMs(attempt, options.retryDelayMs), "a sync, between rounds");
  }
  throw new PushKeepsLosingError(redactUrl(remote.url), maxAttempts, lastReason);
}

function accumulate(total: SyncResult | undefined, round: IntegrateResult, attempt: number): SyncResult {
  if (!total) return { ...round, pushed: false, attempts: attempt };
  return {
    ...round,
    action: ACTION_RANK[round.action] > ACTION_RANK[total.action] ? round.action : total.action,
    before: total.before,
    files: [...new Set([...total.files, ...round.files])],
    skipped: [...new Set([...total.skipped, ...round.skipped])],
    notes: [...total.notes, ...round.notes],
    pushed: false,
    attempts: attempt,
  };
}

/** Push the local branch unless the remote already has it. The caller holds the board lock. */
export async function pushLocked(ctx: WriteContext, remote: Remote): Promise<PushOutcome> {
  // The board's branch, even when a person checked out another one (`bead up` records it): a
  // person's branch is never pushed to the board's remote branch, and releases committed on the
  // board's branch after the switch still go out (issue 14, item 12).
  const ref = ctx.branchRef ?? currentBranchRef(ctx.paths.gitdir);
  const local = readRef(ctx.paths.gitdir, ref);
  const known = readRef(ctx.paths.gitdir, `refs/remotes/${REMOTE_NAME}/${remote.branch}`);
  if (local === null || local === known) return { ok: true, pushed: null };
  const outcome = await pushBranch(repoOf(ctx), remote, ref);
  if (outcome.ok && outcome.pushed !== null) await countTurns(repoOf(ctx), ctx.paths.stateDir, outcome.pushed, known);
  pushed(ctx.paths.stateDir, outcome);
  return outcome;
}

/** Fetch, then fast-forward, replay onto or merge the local branch and working tree. The caller holds the board lock. */
export async function integrateLocked(ctx: WriteContext, remote: Remote): Promise<IntegrateResult> {
  const repo = repoOf(ctx);
  const ref = currentBranchRef(ctx.paths.gitdir);
  // Merging the remote into a person's branch would put commits on it: refused, as agent commits are.
  if (ctx.branchRef !== undefined && ref !== ctx.branchRef) {
    throw new GitError(`HEAD moved from ${ctx.branchRef} to ${ref}: not syncing into ${ref}; agents work only on ${ctx.branchRef.replace(/^refs\/heads\//, "")}`, { expected: ctx.branchRef, head: ref, code: "HEAD_MOVED" });
  }
  const fetch = fetchStarting(ctx.paths.stateDir);
  const tracked = readRef(ctx.paths.gitdir, `refs/remotes/${REMOTE_NAME}/${remote.branch}`);
  const remoteTip = await fetchRemote(repo, remote, { moved: fetch.moved });
  if (remoteTip !== null && remoteTip !== tracked) await countTurns(repo, ctx.paths.stateDir, remoteTip, tracked);
  // Fetched into refs/remotes only: the branch and the working tree are untouched so far.
  stopIfAborted(remote, "a sync, after fetching");
  const local = readRef(ctx.paths.gitdir, ref);
  const result: IntegrateResult = { action: "up-to-date", before: local, head: local, remote: remoteTip, files: [], skipped: [], notes: [] };
  if (remoteTip === null) return { ...result, action: local === null ? "up-to-date" : "ahead" };
  if (local === remoteTip) return result;
  if (local !== null && (await isAncestor(repo, remoteTip, local))) return { ...result, action: "ahead" };
  // The remote has commits we have not: another clone is pushing (./turns.ts).
  fetchBroughtOthers(ctx.paths.stateDir, fetch.startedAt);
  if (local === null || (await isAncestor(repo, local, remoteTip))) return fastForward(ctx, ref, local, remoteTip, result);
  // Our own commits go on top of the remote's (./replay.ts); a merge only where that would lose something.
  const replayed = await replayOnto(repo, local, remoteTip, ctx.identity);
  if (replayed) return fastForward(ctx, ref, local, replayed.head, { ...result, notes: replayed.notes }, "rebased");
  return mergeRemote(ctx, local, remoteTip, remote, result);
}

async function isAncestor(repo: Repo, ancestor: string, oid: string): Promise<boolean> {
  return git.isDescendent({ fs, dir: repo.dir, gitdir: repo.gitdir, cache: repo.cache, oid, ancestor, depth: -1 });
}


/** Move the branch and the working tree from `local` to `target` (a descendant of the remote's tip). */
async function fastForward(ctx: WriteContext, ref: string, local: string | null, target: string, result: IntegrateResult, action: "fast-forward" | "rebased" = "fast-forward"): Promise<IntegrateResult> {
  const repo = repoOf(ctx);
  const changes = await changesBetween(repo, await commitTree(repo, local), await commitTree(repo, target));
  // Under index.lock, as git does: check for unsaved edits, write the files, move the ref, then
  // the index. Files go before the ref: a crash in between leaves new files under the old HEAD,
  // which the next sync recognises as already there, never old files under a new HEAD.
  const { written, skipped } = await withIndexLock(ctx.paths.gitdir, async (indexFs) => {
    const unsaved = unsavedEdits(repo.dir, changes);
    if (unsaved.length > 0) throw new UnsavedEditError(unsaved);
    const outcome = writeWorktree(repo.dir, changes);
    try {
      await compareAndSwapRef({ gitdir: ctx.paths.gitdir, ref, expected: local, next: target, message: action === "rebased" ? `sync: local commits replayed onto ${result.remote ?? "the remote"}, now ${target}` : `sync: fast-forward to ${target}`, committer: committer(ctx) });
    } catch (error) {
      // Someone moved the branch behind our back: put HEAD's versions back, then give up.
      writeWorktree(repo.dir, changes.filter((c) => outcome.written.includes(c.path)).map(reverse(await beforeVersions(repo, changes))));
      throw error;
    }
    await updateIndexFor(indexRepoOf(ctx), changes, indexFs);
    return outcome;
  });
  return { ...result, action, head: target, files: written, skipped };
}

async function mergeRemote(ctx: WriteContext, local: string, target: string, remote: Remote, result: IntegrateResult): Promise<IntegrateResult> {
  const repo = repoOf(ctx);
  const bases = (await git.findMergeBase({ fs, dir: repo.dir, gitdir: repo.gitdir, cache: repo.cache, oids: [local, target] })) as string[];
  const [baseTree, oursTree, theirsTree] = await Promise.all([commitTree(repo, bases[0] ?? null), commitTree(repo, local), commitTree(repo, target)]);
  const notes: MergeNote[] = [];
  const changes: WorktreeChange[] = [];
  for (const diff of await diffTrees(repo, oursTree, theirsTree)) {
    const base = await fileAt(repo, baseTree, diff.path);
    if (sameFile(diff.b, base)) continue; // only we changed it: HEAD already has it
    const merged = sameFile(diff.a, base)
      ? { files: [{ path: diff.path, version: await fileVersion(repo, diff.b) }], notes: [] }
      : mergePath(diff.path, await fileVersion(repo, base), await fileVersion(repo, diff.a), await fileVersion(repo, diff.b));
    notes.push(...merged.notes);
    for (const file of merged.files) {
      const before = file.path === diff.path ? diff.a : await fileAt(repo, oursTree, file.path);
      const after = file.version === null ? null : { ...file.version, oid: await writeBlobBytes(repo, file.version.bytes) };
      if (before?.oid === after?.oid && (after === null || before?.mode === (after.executable ? "100755" : "100644"))) continue;
      changes.push({ path: file.path, before, after });
    }
  }
  const commit = await commitPaths({
    root: repo.dir,
    gitdir: ctx.paths.gitdir,
    cache: repo.cache,
    author: ctx.identity,
    changes: changes.map((change) => ({ path: change.path, content: change.after?.bytes ?? null, executable: change.after?.executable ?? false })),
    message: `merge ${REMOTE_NAME}/${remote.branch}${changes.length > 0 ? ` (${changes.length} file${changes.length === 1 ? "" : "s"})` : ""}`,
    // Under index.lock, before anything is written: a person's unsaved edit stops the merge.
    verify: () => {
      const unsaved = unsavedEdits(repo.dir, changes);
      if (unsaved.length > 0) throw new UnsavedEditError(unsaved);
    },
    writeWorktree: true,
    mergeParents: [target],
  });
  return { ...result, action: "merged", head: commit?.oid ?? local, files: changes.map((change) => change.path), notes };
}

async function beforeVersions(repo: Repo, changes: readonly WorktreeChange[]): Promise<Map<string, FileVersion | null>> {
  const versions = new Map<string, FileVersion | null>();
  for (const change of changes) versions.set(change.path, await fileVersion(repo, change.before));
  return versions;
}

/** The change that undoes `change` (back to HEAD's version). */
function reverse(before: Map<string, FileVersion | null>): (change: WorktreeChange) => WorktreeChange {
  return (change) => {
    const version = before.get(change.path) ?? null;
    const now = change.after ? { oid: change.after.oid, mode: change.after.link ? "120000" : change.after.executable ? "100755" : "100644" } : null;
    return { path: change.path, before: now, after: version && change.before ? { ...version, oid: change.before.oid, link: change.before.mode === "120000" } : null };
  };
}


function committer(ctx: WriteContext): string {
  return `${ctx.identity.name} <${ctx.identity.email}>`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
