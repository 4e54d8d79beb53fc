/**
 * Pushing to the board's remote, never forced: the board's branch (pushBranch) and an acting
 * agent's bead/<id> branch (pushRef). A push that is not a fast-forward comes back as
 * { ok: false }, refused before anything is packed (fastForwardCheck).
 */
import * as fs from "node:fs";
import git from "isomorphic-git";
import { readRef } from "../git/refs.js";
import type { Repo } from "../git/tree-diff.js";
import { hasCommit, REMOTE_NAME, remoteError, transport, type Remote } from "./remote.js";

/**
 * `pushed`: the commit now on the remote branch, or null when there was nothing to push.
 * `moved`: the server named a tip other than the one we pushed on (another clone pushed first).
 */
export type PushOutcome = { ok: true; pushed: string | null } | { ok: false; reason: string; moved?: boolean };

/**
 * Push the local branch to the remote branch, never forced. A push that is not a fast-forward
 * (someone pushed first) comes back as { ok: false }: fetch, replay and try again.
 */
export async function pushBranch(repo: Repo, remote: Remote, ref: string): Promise<PushOutcome> {
  const oid = readRef(repo.gitdir, ref);
  if (oid === null) return { ok: false, reason: "nothing to push: the branch has no commits" };
  const tracking = `refs/remotes/${REMOTE_NAME}/${remote.branch}`;
  const outcome = await pushOid(repo, remote, { ref, remoteRef: `refs/heads/${remote.branch}`, remote: REMOTE_NAME }, oid, readRef(repo.gitdir, tracking));
  if (outcome.ok) await git.writeRef({ fs, dir: repo.dir, gitdir: repo.gitdir, ref: tracking, value: oid, force: true });
  return outcome;
}

/**
 * Push one local branch to the same name on the remote (an acting agent's bead/<id>), never
 * forced; a rejected push (the remote's branch has other commits) comes back as { ok: false }.
 * The board's own branch goes through pushBranch.
 */
export async function pushRef(repo: Repo, remote: Remote, ref: string): Promise<PushOutcome> {
  const oid = readRef(repo.gitdir, ref);
  if (oid === null) return { ok: false, reason: `nothing to push: ${ref} does not exist` };
  return pushOid(repo, remote, { ref, remoteRef: ref }, oid, null);
}

/** One push of `oid` at `target.ref`; `tracked`: where we last saw the remote branch. */
async function pushOid(repo: Repo, remote: Remote, target: { ref: string; remoteRef: string; remote?: string }, oid: string, tracked: string | null): Promise<PushOutcome> {
  const { http: client, headers, onAuth } = transport(remote);
  const check = fastForwardCheck(repo, oid, tracked);
  try {
    await git.push({ fs, http: client, dir: repo.dir, gitdir: repo.gitdir, cache: repo.cache, url: remote.url, ...target, headers, onPrePush: check.hook, ...(onAuth ? { onAuth } : {}) });
  } catch (error) {
    if (check.moved !== null) return { ok: false, reason: check.moved, moved: true };
    const code = (error as { code?: string }).code;
    if (code === "PushRejectedError" || code === "GitPushError") {
      return { ok: false, reason: (error as Error).message.replace(/\s+/g, " ").trim() || code, moved: true };
    }
    throw remoteError(error, remote);
  }
  return { ok: true, pushed: oid };
}

/** How far back a remote tip we have but do not track is looked for in our history. */
const ANCESTRY_DEPTH = 500;

/**
 * Refuse a push that cannot be a fast-forward as soon as the server says where its branch is,
 * before isomorphic-git looks for what to send: for a tip it does not have (another clone
 * pushed since we last fetched) that search walks every commit and tree of the whole history,
 * and then walks it again to find the push is not a fast-forward. Measured: a lost push took
 * 3 to 5 times as long as a won one at 40 beads, and grew with the board, so the clones that
 * lost once kept losing. `moved` says why, once the hook refused.
 */
function fastForwardCheck(repo: Repo, local: string, tracked: string | null): { hook: (args: { remoteRef: { oid: string } }) => Promise<boolean>; moved: string | null } {
  const check = {
    moved: null as string | null,
    hook: async ({ remoteRef }: { remoteRef: { oid: string } }): Promise<boolean> => {
      const remoteTip = remoteRef.oid;
      if (/^0+$/.test(remoteTip) || remoteTip === local || remoteTip === tracked) return true;
      if ((await hasCommit(repo, remoteTip)) && (await isAncestorWithin(repo, remoteTip, local))) return true;
      check.moved = `the remote branch moved to ${remoteTip.slice(0, 8)} (another clone pushed first): not a fast-forward`;
      return false;
    },
  };
  return check;
}

async function isAncestorWithin(repo: Repo, ancestor: string, oid: string): Promise<boolean> {
  try {
    return await git.isDescendent({ fs, dir: repo.dir, gitdir: repo.gitdir, cache: repo.cache, oid, ancestor, depth: ANCESTRY_DEPTH });
  } catch {
    return false; // deeper than that: let a fetch sort it out
  }
}
