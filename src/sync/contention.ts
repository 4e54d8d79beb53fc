/**
 * Taking turns at the remote (issue 13, fair work across clones).
 *
 * Clones push to one branch. A clone that is ahead claims on its own tip and pushes in one
 * short round; a clone that lost must back off, fetch, replay its own commits, claim and
 * push, a round several times longer, and the winner's next push lands inside it: the loser
 * loses again, and one clone ends up doing all the work. So after a push that won, a process yields: its next
 * network round waits a random one to two rounds of the kind a loser has (one that brought in
 * other clones' commits, as measured here), so that a loser's round fits in between, doubling with each win in a row. A loser's rejected pushes leave no trace the
 * winner could see (a winner pushing on its own tip never fetches), so a process that saw no
 * other clone's commits for a minute cannot tell "alone" from "the others starve": it keeps
 * the base yield (one to two rounds) and stops doubling.
 *
 * State per board (.git/beadboard), per process; the decisions are pure functions of it and
 * of an injected random number.
 */

/** Others count as active (the yield doubles with each win) while their commits arrived within this long. */
export const OTHERS_ACTIVE_MS = 60_000;
/** A yield is never longer than this. */
export const MAX_YIELD_MS = 2_000;
/** What a full round is assumed to take before one was measured. */
const FIRST_ROUND_GUESS_MS = 200;

export interface Contention {
  /** Whether this process yields at all (`bead up`; a person's one-shot command does not). */
  yields: boolean;
  /** When another clone's commits last arrived in a fetch (ms since epoch). */
  othersSeenAt: number;
  /** Pushes won in a row since another clone's commits last arrived. */
  wins: number;
  /** Smoothed duration of a round that brought in other clones' commits (fetch, replay, push): what a loser must fit in. */
  fullRoundMs: number;
  /** The next network round starts no earlier than this. */
  yieldUntil: number;
  /** The machine whose agents this process runs (`HOST.beadboard`, git/author.ts). */
  me: string;
  /** Which machines made the branch's latest SHARE_WINDOW agent commits (oldest first). */
  recent: string[];
}

/** How many of the branch's latest agent commits the share is counted over. */
export const SHARE_WINDOW = 64;
/** A process with more than its share of them yields this many times longer at most. */
export const MAX_SHARE_FACTOR = 3;

/**
 * At a process's first network round others are assumed active: every clone of a fleet
 * started together finds a board nobody pushed to yet, and the first to push would otherwise
 * never yield.
 */
export function freshContention(now: number, yields = false): Contention {
  return { yields, othersSeenAt: now, wins: 0, fullRoundMs: FIRST_ROUND_GUESS_MS, yieldUntil: 0, me: "", recent: [] };
}

/** A fetch brought in commits made elsewhere: somebody else got a turn. */
export function sawOthers(state: Contention, now: number): Contention {
  return { ...state, othersSeenAt: now, wins: 0 };
}

/** Agent commits arrived on the branch (fetched, or pushed by us), oldest first: the machines that made them. */
export function sawCommits(state: Contention, hosts: readonly string[]): Contention {
  return { ...state, recent: [...state.recent, ...hosts].slice(-SHARE_WINDOW) };
}

/**
 * How far over its fair share of the branch's latest agent commits this machine is: its share
 * divided by one over the number of machines among them, from 1 (fair or under) to
 * MAX_SHARE_FACTOR. Every clone sees the same history, so the ones that got more turns wait
 * longer and the others get theirs, whatever made them faster (a shorter round, a less loaded
 * machine). A machine that won nothing for SHARE_WINDOW commits drops out of the count, which
 * is why the streak doubling stays.
 */
export function shareFactor(state: Contention): number {
  if (state.recent.length === 0) return 1;
  const machines = new Set(state.recent).size;
  const mine = state.recent.filter((host) => host === state.me).length;
  return Math.min(MAX_SHARE_FACTOR, Math.max(1, (mine / state.recent.length) * machines));
}

/** A round that fetched and pushed took `ms`: smoothed, so one slow round moves it a quarter. */
export function measuredFullRound(state: Contention, ms: number): Contention {
  return { ...state, fullRoundMs: state.fullRoundMs * 0.75 + Math.max(0, ms) * 0.25 };
}

/**
 * Our push won; `random` in [0, 1). The pause doubles with every win in a row: a loser's
 * round (fetch, replay its commits on ours, push) can take several of ours, and nothing tells
 * the winner how long; once another clone's commits arrive, the streak starts over. It is
 * longer again by how far over its share of the latest agent commits this machine is.
 */
export function wonPush(state: Contention, now: number, random: number): Contention {
  const wins = state.wins + 1;
  if (!state.yields) return { ...state, wins };
  // No other clone's commits for a minute: alone, or others starved so long that none got a
  // push in (measured: 196 of 200 beads to one clone when the yield stopped here). The two look
  // the same from here, so the yield shrinks to its base instead of stopping.
  const doubling = now - state.othersSeenAt > OTHERS_ACTIVE_MS ? 1 : 2 ** Math.min(wins - 1, 4);
  const pause = Math.min(MAX_YIELD_MS, state.fullRoundMs * (1 + random) * doubling * shareFactor(state));
  return { ...state, wins, yieldUntil: now + pause };
}

/** How long the next round must wait for the yield. */
export function yieldLeftMs(state: Contention, now: number): number {
  return Math.max(0, state.yieldUntil - now);
}
