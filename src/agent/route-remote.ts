/**
 * Routing on a synced board: each bead is routed once, by one clone. Routes used to be committed
 * locally and pushed with the next sync, so two clones routed the same beads and merged the
 * duplicates (issue 13). Here, as a claim is (../claim/remote-claim.ts), a batch of route
 * decisions is committed on top of the freshly fetched board, where a bead another clone already
 * routed is left alone, and pushed at once; a push that loses the race takes the batch back out
 * and the next round starts from the new remote tip. Bounded rounds, jittered backoff.
 */
import type { BeadEdit, WriteContext } from "../board/write.js";
import { editBeadLocked } from "../board/write.js";
import { isBeadboardError, PushKeepsLosingError } from "../errors.js";
import { redactUrl, type Remote } from "../sync/remote.js";
import { rollbackTipLocked } from "../sync/rollback.js";
import { backoffMs, integrateLocked, pushLocked, withNetworkRound } from "../sync/sync.js";

export interface RouteCommit {
  id: string;
  edit: BeadEdit;
  message: string;
}

type Round = { ok: true; routed: string[] } | { ok: false; reason: string };

/** Commit and push `routes`; returns the ids this clone routed (the others were routed elsewhere meanwhile). */
export async function routeThroughRemote(ctx: WriteContext, remote: Remote, routes: readonly RouteCommit[], options: { maxAttempts?: number; signal?: AbortSignal } = {}): Promise<string[]> {
  const maxAttempts = options.maxAttempts ?? 10;
  let lastReason = "";
  for (let attempt = 1; attempt <= maxAttempts && !options.signal?.aborted; attempt++) {
    const round = await withNetworkRound(ctx, () => routeRoundLocked(ctx, remote, routes));
    if (round.ok) return round.routed;
    lastReason = round.reason;
    if (attempt < maxAttempts) await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
  }
  throw new PushKeepsLosingError(redactUrl(remote.url), maxAttempts, lastReason);
}

async function routeRoundLocked(ctx: WriteContext, remote: Remote, routes: readonly RouteCommit[]): Promise<Round> {
  await integrateLocked(ctx, remote);
  const commits: string[] = [];
  const routed: string[] = [];
  for (const route of routes) {
    try {
      const result = await editBeadLocked(ctx, route.id, route.edit, route.message);
      if (result.commit) {
        commits.push(result.commit.oid);
        routed.push(route.id);
      }
    } catch (error) {
      if (!isBeadboardError(error)) throw error; // a bead removed or broken meanwhile: not routed now
    }
  }
  if (commits.length === 0) return { ok: true, routed };
  const pushed = await pushLocked(ctx, remote);
  if (pushed.ok) return { ok: true, routed };
  // Lost the race: the routes never reached the server; take them back, newest first.
  for (const oid of commits.reverse()) await rollbackTipLocked(ctx, oid);
  return { ok: false, reason: pushed.reason };
}
