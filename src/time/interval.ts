/**
 * A fixed-interval timer for `bead up`'s periodic work. Durations are taken exactly (45 s is
 * 45 s, not cron's `*\/45`, which fires at :00 and :45), ticks never overlap (a tick due while
 * the last one still runs is skipped and reported, once per skip), and the timer stops when its
 * AbortSignal aborts. The clock is injected so unit tests need no sleeps.
 */
export interface TimerClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: TimerClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => {
    const handle = setTimeout(run, ms);
    // A periodic chore never keeps the process alive on its own.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface IntervalOptions {
  /** Name in skip and failure reports. */
  name: string;
  everyMs: number;
  signal: AbortSignal;
  clock?: TimerClock;
  /** A tick came due while the previous one was still running: it is skipped. */
  onSkip?: (event: { name: string; dueAt: number; runningSinceMs: number }) => void;
  /** The task threw (or rejected); the timer goes on. */
  onError?: (error: unknown) => void;
  /** Run once at once as well (default: first run after one interval). */
  immediately?: boolean;
}

export interface IntervalTimer {
  /** Resolves when the timer is stopped and no tick is running. */
  stopped: Promise<void>;
}

export function everyInterval(task: () => unknown, options: IntervalOptions): IntervalTimer {
  const clock = options.clock ?? systemClock;
  const { everyMs, signal } = options;
  if (!(everyMs > 0)) throw new RangeError(`interval ${options.name}: ${everyMs} ms is not a positive duration`);
  let handle: unknown;
  let running: { since: number; done: Promise<void> } | undefined;
  let nextAt = clock.now() + (options.immediately ? 0 : everyMs);
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  const tick = () => {
    handle = undefined;
    if (signal.aborted) return;
    const dueAt = nextAt;
    // Keep the cadence from the schedule, not from when the tick ran: no drift. A timer woken
    // late (a suspended laptop) skips the missed ticks instead of running them back to back.
    const now = clock.now();
    nextAt += everyMs;
    if (nextAt <= now) nextAt = now + everyMs;
    if (running) options.onSkip?.({ name: options.name, dueAt, runningSinceMs: now - running.since });
    else {
      const done = (async () => {
        try {
          await task();
        } catch (error) {
          options.onError?.(error);
        }
      })().finally(() => {
        running = undefined;
        if (signal.aborted) resolveStopped();
      });
      running = { since: now, done };
    }
    schedule();
  };
  const schedule = () => {
    if (signal.aborted) return;
    handle = clock.setTimeout(tick, Math.max(0, nextAt - clock.now()));
  };
  const stop = () => {
    if (handle !== undefined) clock.clearTimeout(handle);
    handle = undefined;
    if (!running) resolveStopped();
  };
  if (signal.aborted) stop();
  else {
    signal.addEventListener("abort", stop, { once: true });
    schedule();
  }
  return { stopped };
}
