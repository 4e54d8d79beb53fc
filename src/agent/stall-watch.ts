/**
 * Stalls said again when the board changes (issue 14, item 17), without flooding: the set of
 * beads nobody can take is compared with the set last said, and only a change is logged (each
 * newly stalled bead with its reason, then the ones that moved on). An unchanged set says
 * nothing, however often the board changes. `StallWatch.request` is driven by board events
 * (spaced by `minGapMs` on an injectable clock); the diff itself (`stallChanges`) is pure.
 */
import type { Board } from "../board/load.js";
import type { AgentTakes } from "../policy/router.js";
import { stalledBeads, type Stall } from "./stalls.js";
import { systemClock, type TimerClock } from "../time/interval.js";

export interface StallChanges {
  /** Newly stalled, or stalled for another reason than last said. */
  stalled: Stall[];
  /** Said before, no longer stalled (taken, done, deleted, or fixed). */
  cleared: string[];
}

export function stallChanges(said: ReadonlyMap<string, string>, now: readonly Stall[]): StallChanges {
  const current = new Set(now.map((stall) => stall.id));
  return {
    stalled: now.filter((stall) => said.get(stall.id) !== stall.why),
    cleared: [...said.keys()].filter((id) => !current.has(id)).sort(),
  };
}

export interface StallWatchOptions {
  workers: readonly AgentTakes[];
  approve: readonly string[];
  log: (line: string) => void;
  /** The board now (a LiveBoard's `current` in `bead up`). */
  board: () => Promise<Pick<Board, "beads" | "byId">>;
  now?: () => number;
  /**
   * Board events closer together than this share one look (default 2 s): a busy board (every
   * agent commit is an event) must not pay for a full stall check per commit.
   */
  minGapMs?: number;
  clock?: TimerClock;
}

export class StallWatch {
  private said = new Map<string, string>();
  private looking: Promise<void> | undefined;
  private lookAgain = false;
  private lastLookAt = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private stopped = false;

  constructor(private readonly options: StallWatchOptions) {}

  /** A board event: look soon, at most once per minGapMs; events meanwhile share that look. */
  request(): void {
    if (this.stopped || this.timer !== undefined) return;
    const clock = this.options.clock ?? systemClock;
    const wait = Math.max(0, this.lastLookAt + (this.options.minGapMs ?? 2_000) - clock.now());
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) void this.look();
    }, wait);
  }

  /** No more looks from events (a look in flight finishes). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) (this.options.clock ?? systemClock).clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Look now (coalesced: a call during a look runs one more look after it). Never throws. */
  look(): Promise<void> {
    if (this.looking) {
      this.lookAgain = true;
      return this.looking;
    }
    this.looking = (async () => {
      do {
        this.lookAgain = false;
        await this.lookOnce();
      } while (this.lookAgain);
    })().finally(() => {
      this.looking = undefined;
    });
    return this.looking;
  }

  private async lookOnce(): Promise<void> {
    const { log } = this.options;
    this.lastLookAt = (this.options.clock ?? systemClock).now();
    try {
      const board = await this.options.board();
      const stalls = stalledBeads(this.options.workers, board.beads, board.byId, (this.options.now ?? Date.now)(), this.options.approve);
      const changes = stallChanges(this.said, stalls);
      for (const stall of changes.stalled) log(`${stall.id}: nobody can take it: ${stall.why}`);
      if (changes.cleared.length > 0) log(`no longer stalled: ${changes.cleared.join(", ")}`);
      this.said = new Map(stalls.map((stall) => [stall.id, stall.why]));
    } catch (error) {
      log(`could not check for beads nobody can take: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
