/**
 * Claims across clones (DESIGN §5 step 3): only a claim the remote accepted counts.
 *
 * One round, under the board lock: fetch what the remote has and replay ours on it (so the
 * claim is checked against the freshest board), claim locally, push. A push that loses the race (another clone
 * pushed first) takes the local claim back out of the branch (it never reaches the server) and
 * the next round starts again from the new remote tip: the bead is re-checked there and
 * either claimed on top of it or refused, naming whoever holds it now. Rounds are bounded and
 * spaced with jitter; force-push is never used. If the server cannot be reached, the local claim
 * is rolled back as well and the error says so: no work starts on an unconfirmed claim.
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { TERMINAL_STATUSES, type BeadFields } from "../bead/fields.js";
import { beadPath } from "../board/paths.js";
import { parseBeadFile } from "../board/read-bead.js";
import { claimBeadLocked, type ClaimOptions, type ClaimOutcome } from "./claim.js";
import { holderName } from "./rules.js";
import type { WriteContext } from "../board/write.js";
import { ClaimRefusedError, isBeadboardError, PushKeepsLosingError } from "../errors.js";
import { pauseUnlessStopped, redactUrl, stopIfAborted, type Remote } from "../sync/remote.js";
import { currentBranchRef, readRef } from "../git/refs.js";
import { rollbackTipLocked } from "../sync/rollback.js";
import { backoffMs, integrateLocked, pushLocked, syncBoard, withNetworkRound, type SyncOptions, type SyncResult } from "../sync/sync.js";

export interface RetryOptions {
  /** Rounds of fetch-replay-claim-push before PushKeepsLosingError (default 10). */
  maxAttempts?: number;
  /** Base of the randomized backoff between rounds (default 25 ms). */
  retryDelayMs?: number;
}

export interface RemoteClaimOutcome extends ClaimOutcome {
  /** The commit now on the remote branch that carries the claim. */
  pushed: string | null;
  /** Rounds it took. */
  attempts: number;
}

type Round = { ok: true; outcome: ClaimOutcome; pushed: string | null } | { ok: false; reason: string };

/**
 * Claim `id` and get the claim accepted by the remote. Resolves only once it is pushed; throws
 * ClaimRefusedError (naming the holder) when the bead is not claimable on the merged board,
 * PushKeepsLosingError after `maxAttempts` lost races, and the remote errors of ../sync/remote.ts
 * (unreachable, auth, not found) with nothing claimed.
 */
export async function claimAndPush(ctx: WriteContext, id: string, options: ClaimOptions & RetryOptions, remote: Remote): Promise<RemoteClaimOutcome> {
  refuseIfTaken(ctx, id, options);
  const maxAttempts = options.maxAttempts ?? 10;
  let lastReason = "";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const round = await withNetworkRound(ctx, () => claimRoundLocked(ctx, id, options, remote, attempt === 1), remote);
    if (round.ok) return { ...round.outcome, pushed: round.pushed, attempts: attempt };
    lastReason = round.reason;
    if (attempt < maxAttempts) await pauseUnlessStopped(remote, backoffMs(attempt, options.retryDelayMs), `a claim of ${id}, between rounds`);
  }
  throw new PushKeepsLosingError(redactUrl(remote.url), maxAttempts, lastReason, { id });
}

/**
 * The first round is optimistic: claim on the board as we have it and push at once, so the
 * window in which another clone can push first is one request wide. (If the board here says
 * the bead is not claimable, that is checked again after fetching: it may be stale.) Later
 * rounds fetch and replay first, then claim on the new tip.
 */
async function claimRoundLocked(ctx: WriteContext, id: string, options: ClaimOptions, remote: Remote, optimistic: boolean): Promise<Round> {
  if (!optimistic) await integrateLocked(ctx, remote);
  let outcome: ClaimOutcome;
  try {
    outcome = await claimBeadLocked(ctx, id, options);
  } catch (error) {
    if (!optimistic || !(error instanceof ClaimRefusedError)) throw error;
    await integrateLocked(ctx, remote);
    outcome = await claimBeadLocked(ctx, id, options);
  }
  let pushed;
  try {
    // Stopping now: the claim is taken back below, as after a failed push.
    stopIfAborted(remote, `a claim of ${id}, before pushing`);
    pushed = await pushLocked(ctx, remote);
  } catch (error) {
    const rollback = outcome.commit ? await rollbackTipLocked(ctx, outcome.commit) : { rolledBack: false, kept: [] };
    if (isBeadboardError(error)) {
      // The claim never reached the remote, so it does not count; say what became of it locally.
      error.data.id = id;
      error.data.claim = rollback.rolledBack ? "rolled back" : "kept locally, unconfirmed";
      error.message += rollback.rolledBack ? `; the claim of ${id} was taken back` : `; the claim of ${id} stays local and unconfirmed`;
    }
    throw error;
  }
  if (pushed.ok) return { ok: true, outcome, pushed: pushed.pushed };
  if (outcome.commit) await rollbackTipLocked(ctx, outcome.commit);
  return { ok: false, reason: pushed.reason };
}

/**
 * No network round for a bead this board already knows is taken: done, failed, cancelled, or
 * claimed by someone else under a running lease. Merges never lower those, so a refusal from
 * the local board is one the remote would give too, barring a release we have not fetched yet
 * (the next sync shows it). Everything else is decided after fetching.
 */
function refuseIfTaken(ctx: WriteContext, id: string, options: ClaimOptions): void {
  let fields: BeadFields;
  try {
    fields = parseBeadFile(join(ctx.paths.root, beadPath(id)), id).fields;
  } catch {
    return; // missing or unreadable here: let the claim itself say so, after fetching
  }
  const now = (options.now ?? Date.now)();
  const holder = holderName(options.agent, options.host ?? hostname());
  const leaseRuns = fields.lease_until !== undefined && Date.parse(fields.lease_until) > now;
  if (TERMINAL_STATUSES.includes(fields.status)) throw new ClaimRefusedError(id, `its status is ${fields.status}`);
  if (fields.status === "claimed" && fields.claimed_by !== holder && leaseRuns) {
    throw new ClaimRefusedError(id, `held by ${fields.claimed_by ?? "someone"} until ${fields.lease_until}`, fields.claimed_by, fields.lease_until);
  }
}

/**
 * Push local commits (a write-back, a lease renewal, a release) to the remote, fetching and
 * merging first whenever another clone pushed in between. The commits are safe locally either
 * way: if the server is down this throws RemoteUnreachableError and the next sync sends them.
 */
export async function publish(ctx: WriteContext, remote: Remote, options: RetryOptions = {}): Promise<SyncResult> {
  // Optimistic first: when nobody pushed since our last fetch, one push is all it takes.
  const first = await withNetworkRound(
    ctx,
    async () => {
      const before = readRef(ctx.paths.gitdir, currentBranchRef(ctx.paths.gitdir));
      return { before, pushed: await pushLocked(ctx, remote) };
    },
    remote,
  );
  if (first.pushed.ok) {
    const head = first.before;
    const pushed = first.pushed.pushed !== null;
    return { action: pushed ? "ahead" : "up-to-date", before: head, head, remote: head, files: [], skipped: [], notes: [], pushed, attempts: 1 };
  }
  const sync: SyncOptions = { push: true, maxAttempts: options.maxAttempts ?? 10 };
  if (options.retryDelayMs !== undefined) sync.retryDelayMs = options.retryDelayMs;
  return syncBoard(ctx, remote, sync);
}

