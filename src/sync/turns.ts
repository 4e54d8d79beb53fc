/**
 * Taking turns at the remote, the state side (the decisions are ./contention.ts, pure): one
 * Contention per board and process, what the last push said about the branch, and when the
 * fetch of a round that brought in others' commits started. sync.ts calls in at each step of a
 * network round.
 */
import type { WriteContext } from "../board/write.js";
import { agentMailDomain } from "../git/author.js";
import type { Repo } from "../git/tree-diff.js";
import { freshContention, measuredFullRound, sawCommits, sawOthers, SHARE_WINDOW, wonPush, yieldLeftMs, type Contention } from "./contention.js";
import type { PushOutcome } from "./push.js";
import { agentHostsSince } from "./recent-committers.js";

const contention = new Map<string, Contention>();
const fetchStartedAt = new Map<string, number>();
/** Boards whose last push found the remote branch moved: the next fetch has something to download. */
const branchMoved = new Set<string>();

/**
 * `bead up` on a synced board: from now on this process takes turns with other clones at the
 * remote. One-shot commands never wait.
 */
export function takeTurnsAtRemote(ctx: WriteContext, host: string): void {
  contention.set(ctx.paths.stateDir, { ...contentionOf(ctx.paths.stateDir), yields: true, othersSeenAt: Date.now(), me: agentMailDomain(host) });
}

/** How long the next network round of this board must wait for its yield. */
export function yieldLeft(stateDir: string, now: number): number {
  return yieldLeftMs(contentionOf(stateDir), now);
}

/** A fetch starts: whether the last push found the branch moved (then the tip is not asked first). */
export function fetchStarting(stateDir: string): { moved: boolean; startedAt: number } {
  fetchStartedAt.delete(stateDir);
  return { moved: branchMoved.delete(stateDir), startedAt: Date.now() };
}

/**
 * The fetch brought in commits made elsewhere. A round like this one (fetch their commits,
 * replay ours, push) is what a clone that lost must fit between two of our pushes: the yield is
 * sized on it.
 */
export function fetchBroughtOthers(stateDir: string, startedAt: number): void {
  contention.set(stateDir, sawOthers(contentionOf(stateDir), Date.now()));
  fetchStartedAt.set(stateDir, startedAt);
}

/** Which machines made the agent commits from `since` to `tip` that just arrived on the branch. */
export async function countTurns(repo: Repo, stateDir: string, tip: string, since: string | null): Promise<void> {
  const hosts = await agentHostsSince(repo, tip, since, SHARE_WINDOW);
  contention.set(stateDir, sawCommits(contentionOf(stateDir), hosts));
}

/** A push came back: a win sets the yield, a loss says others got in (and the branch moved). */
export function pushed(stateDir: string, outcome: PushOutcome): void {
  const now = Date.now();
  const fetchedAt = fetchStartedAt.get(stateDir);
  fetchStartedAt.delete(stateDir);
  let state = contentionOf(stateDir);
  if (fetchedAt !== undefined) state = measuredFullRound(state, now - fetchedAt);
  state = outcome.ok ? wonPush(state, now, Math.random()) : sawOthers(state, now);
  contention.set(stateDir, state);
  if (!outcome.ok && outcome.moved) branchMoved.add(stateDir);
}

function contentionOf(stateDir: string): Contention {
  let state = contention.get(stateDir);
  if (!state) contention.set(stateDir, (state = freshContention(Date.now())));
  return state;
}
