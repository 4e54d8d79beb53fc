import { afterEach, describe, expect, it } from "vitest";
import { freshContention, MAX_SHARE_FACTOR, measuredFullRound, MAX_YIELD_MS, OTHERS_ACTIVE_MS, sawCommits, sawOthers, shareFactor, SHARE_WINDOW, wonPush, yieldLeftMs, type Contention } from "../../src/sync/contention.js";
import { agentHostsSince } from "../../src/sync/recent-committers.js";
import { makeTempBoard, type TempBoard } from "../helpers/temp-board.js";

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

describe("turns counted from the branch's history", () => {
  const host = (n: number) => `host${n}.beadboard`;
  const machine = (me: string, recent: string[]): Contention => ({ ...freshContention(0, true), me, recent });

  it("a machine over its share of the latest agent commits yields longer, in proportion, up to a bound", () => {
    // Four machines; host0 made half of the last 64 agent commits: twice its share.
    const recent = [...Array.from({ length: 32 }, () => host(0)), ...Array.from({ length: 32 }, (_, i) => host(1 + (i % 3)))];
    expect(shareFactor(machine(host(0), recent))).toBe(2);
    expect(shareFactor(machine(host(1), recent))).toBe(1); // under its share: the base yield
    expect(yieldLeftMs(wonPush(machine(host(0), recent), 1_000, 0), 1_000)).toBe(400);
    expect(yieldLeftMs(wonPush(machine(host(1), recent), 1_000, 0), 1_000)).toBe(200);
    const hog = [...Array.from({ length: 61 }, () => host(0)), host(1), host(2), host(3)];
    expect(shareFactor(machine(host(0), hog))).toBe(MAX_SHARE_FACTOR);
  });

  it("alone, or before anything was counted, the share changes nothing", () => {
    expect(shareFactor(machine(host(0), []))).toBe(1);
    expect(shareFactor(machine(host(0), [host(0), host(0)]))).toBe(1);
  });

  it("keeps the latest SHARE_WINDOW agent commits, oldest dropped first", () => {
    let state = machine(host(0), []);
    state = sawCommits(state, Array.from({ length: SHARE_WINDOW }, () => host(1)));
    state = sawCommits(state, [host(0), host(2)]);
    expect(state.recent).toHaveLength(SHARE_WINDOW);
    expect(state.recent.slice(-3)).toEqual([host(1), host(0), host(2)]);
  });

  describe("agentHostsSince (a real repository)", () => {
    let board: TempBoard | undefined;
    afterEach(async () => {
      await board?.cleanup();
      board = undefined;
    });

    it("names the machine of each agent commit since a commit, oldest first, and skips a person's", async () => {
      board = await makeTempBoard({ "beads/a.md": "---\ntitle: A\n---\n" });
      const since = board.git(["rev-parse", "HEAD"]).trim();
      for (const author of ["coder <coder@vm-1.beadboard>", "Ann <ann@example.test>", "tester <tester@vm-2.beadboard>", "coder <coder@vm-1.beadboard>"]) {
        board.git(["commit", "-q", "--allow-empty", `--author=${author}`, "-m", `by ${author}`]);
      }
      const tip = board.git(["rev-parse", "HEAD"]).trim();
      const repo = { dir: board.dir, gitdir: `${board.dir}/.git`, cache: {} };
      expect(await agentHostsSince(repo, tip, since, 64)).toEqual(["vm-1.beadboard", "vm-2.beadboard", "vm-1.beadboard"]);
      // Bounded: only the newest commits are looked at.
      expect(await agentHostsSince(repo, tip, since, 2)).toEqual(["vm-2.beadboard", "vm-1.beadboard"]);
      expect(await agentHostsSince(repo, tip, tip, 64)).toEqual([]);
    });
  });
});
