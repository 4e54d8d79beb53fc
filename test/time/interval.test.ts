import { describe, expect, it } from "vitest";
import { everyInterval, type TimerClock } from "../../src/time/interval.js";

/** A manual clock: advance() fires due timers in order; no real time passes. */
function manualClock(): TimerClock & { advance(ms: number): Promise<void>; pending(): number } {
  let now = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  return {
    now: () => now,
    setTimeout: (run, ms) => {
      timers.set(++seq, { at: now + ms, run });
      return seq;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    pending: () => timers.size,
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = [...timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!next || next[1].at > end) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].run();
        await new Promise((resolve) => setImmediate(resolve)); // let the task's promise settle
      }
      now = end;
    },
  };
}

describe("everyInterval", () => {
  it("fires every 45 s exactly (cron's */45 fired at :00 and :45: gaps of 45 s and 15 s)", async () => {
    const clock = manualClock();
    const stop = new AbortController();
    const at: number[] = [];
    everyInterval(() => void at.push(clock.now()), { name: "sync", everyMs: 45_000, signal: stop.signal, clock });
    await clock.advance(200_000);
    expect(at).toEqual([45_000, 90_000, 135_000, 180_000]);
    stop.abort();
  });

  it("90 s is 90 s, not two minutes", async () => {
    const clock = manualClock();
    const stop = new AbortController();
    const at: number[] = [];
    everyInterval(() => void at.push(clock.now()), { name: "sync", everyMs: 90_000, signal: stop.signal, clock });
    await clock.advance(270_000);
    expect(at).toEqual([90_000, 180_000, 270_000]);
    stop.abort();
  });

  it("never overlaps: a tick due while the last one runs is skipped and reported", async () => {
    const clock = manualClock();
    const stop = new AbortController();
    let finish: (() => void) | undefined;
    let runs = 0;
    const skips: Array<{ name: string; dueAt: number; runningSinceMs: number }> = [];
    everyInterval(() => new Promise<void>((resolve) => ((runs += 1), (finish = resolve))), { name: "sweep", everyMs: 10, signal: stop.signal, clock, onSkip: (event) => skips.push(event) });
    await clock.advance(35);
    expect(runs).toBe(1);
    expect(skips).toEqual([
      { name: "sweep", dueAt: 20, runningSinceMs: 10 },
      { name: "sweep", dueAt: 30, runningSinceMs: 20 },
    ]);
    finish!();
    await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(10);
    expect(runs).toBe(2);
    stop.abort();
  });

  it("a failing task is reported and the timer goes on", async () => {
    const clock = manualClock();
    const stop = new AbortController();
    const errors: unknown[] = [];
    let runs = 0;
    everyInterval(() => { runs++; throw new Error("boom"); }, { name: "x", everyMs: 5, signal: stop.signal, clock, onError: (error) => errors.push(error) });
    await clock.advance(15);
    expect(runs).toBe(3);
    expect(errors).toHaveLength(3);
    stop.abort();
  });

  it("stops on abort: no timer left, stopped resolves after the running tick ends", async () => {
    const clock = manualClock();
    const stop = new AbortController();
    let finish: (() => void) | undefined;
    const timer = everyInterval(() => new Promise<void>((resolve) => (finish = resolve)), { name: "x", everyMs: 10, signal: stop.signal, clock });
    await clock.advance(10);
    stop.abort();
    expect(clock.pending()).toBe(0);
    let done = false;
    void timer.stopped.then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    finish!();
    await timer.stopped;
    expect(done).toBe(true);
  });

  it("refuses a duration that is not positive", () => {
    expect(() => everyInterval(() => undefined, { name: "x", everyMs: 0, signal: new AbortController().signal })).toThrow(/not a positive duration/);
  });
});
