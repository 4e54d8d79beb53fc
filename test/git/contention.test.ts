import { describe, expect, it } from "vitest";
import { freshContention, measuredFullRound, MAX_YIELD_MS, OTHERS_ACTIVE_MS, sawOthers, wonPush, yieldLeftMs } from "../../src/sync/contention.js";

/** Clock values are plain numbers: the functions are pure, no timer runs. */
describe("taking turns at the remote (contention.ts)", () => {
  it("a one-shot command (yields: false) never waits after a won push", () => {
    const state = wonPush(freshContention(1_000), 1_100, 0.9);
    expect(yieldLeftMs(state, 1_100)).toBe(0);
    expect(state.wins).toBe(1);
  });

  it("bead up yields after a won push for one to two full rounds", () => {
    const start = measuredFullRound(freshContention(0, true), 200); // smoothed: 200 → 200
    const low = wonPush(start, 1_000, 0);
    const high = wonPush(start, 1_000, 0.999);
    expect(yieldLeftMs(low, 1_000)).toBe(200);
    expect(yieldLeftMs(high, 1_000)).toBeCloseTo(399.8, 1);
    expect(yieldLeftMs(low, 1_150)).toBe(50);
    expect(yieldLeftMs(low, 5_000)).toBe(0);
  });

  it("doubles the yield with every win in a row, up to the bound, and starts over once others got in", () => {
    let state = freshContention(0, true);
    const pauses: number[] = [];
    for (let win = 0; win < 6; win++) {
      state = wonPush(state, 100, 0);
      pauses.push(yieldLeftMs(state, 100));
    }
    expect(pauses).toEqual([200, 400, 800, 1600, MAX_YIELD_MS, MAX_YIELD_MS]);
    state = sawOthers(state, 200);
    expect(state.wins).toBe(0);
    expect(yieldLeftMs(wonPush(state, 300, 0), 300)).toBe(200);
  });

  it("stops doubling, but keeps the base yield, when no other clone's commits arrived for a minute (alone or starved look the same)", () => {
    let state = freshContention(0, true);
    for (let win = 0; win < 4; win++) state = wonPush(state, 100, 0);
    expect(yieldLeftMs(state, 100)).toBe(1600);
    const quiet = wonPush(state, OTHERS_ACTIVE_MS + 1, 0);
    expect(yieldLeftMs(quiet, OTHERS_ACTIVE_MS + 1)).toBe(200);
    const later = sawOthers(state, 100_000);
    expect(yieldLeftMs(wonPush(later, 100_500, 0), 100_500)).toBe(200);
  });

  it("smooths the round length so that one slow round moves it by a quarter", () => {
    const state = measuredFullRound(freshContention(0, true), 1_000);
    expect(state.fullRoundMs).toBe(400);
    expect(measuredFullRound(state, -50).fullRoundMs).toBe(300);
  });
});
