import { describe, expect, it } from "vitest";
import { judge, measureReply, planContexts } from "../../src/model/readiness.js";
import type { ChatReply } from "../../src/model/provider.js";

const reply = (over: Partial<ChatReply>): ChatReply => ({ content: "x", model: "m", tokensIn: 100, tokensOut: 50, durationMs: 0, ...over });

describe("measureReply", () => {
  it("uses the server's durations when it reports them", () => {
    const probe = measureReply("short", 100, reply({ timings: { loadMs: 1000, promptMs: 250, evalMs: 2000, firstTokenMs: 9 } }), 5000);
    expect(probe).toMatchObject({ source: "server", promptTokensPerSecond: 400, evalTokensPerSecond: 25, loadMs: 1000, firstTokenMs: 1000 + 250 + 40, cut: false });
  });

  it("falls back to the client's clock: generation after the first token", () => {
    const probe = measureReply("short", 100, reply({ timings: { firstTokenMs: 500 } }), 2500);
    expect(probe).toMatchObject({ source: "client", evalTokensPerSecond: 25, promptTokensPerSecond: 200, firstTokenMs: 500 });
  });

  it("takes an embedded engine's own rate and load time", () => {
    const probe = measureReply("long", 100, reply({ tokensPerSecond: 33, loadMs: 700 }), 3000);
    expect(probe).toMatchObject({ source: "client", evalTokensPerSecond: 33, loadMs: 700, firstTokenMs: 3000 });
  });

  it("calls a prompt cut when the server read under 75% of it", () => {
    expect(measureReply("long", 1000, reply({ tokensIn: 749 }), 1).cut).toBe(true);
    expect(measureReply("long", 1000, reply({ tokensIn: 750 }), 1).cut).toBe(false);
    expect(measureReply("long", 1000, reply({ tokensIn: 0 }), 1).cut).toBe(false); // a server that counts nothing
  });
});

describe("planContexts and judge", () => {
  it("sizes the long probe near num_ctx, and flags a budget that cannot fit", () => {
    expect(planContexts({ num_ctx: 8192 }, 8192)).toMatchObject({ numCtx: 8192, numCtxFrom: "agent", longTokens: 7244, budgetOverflows: false });
    expect(planContexts({ num_ctx: 8192, num_predict: 512 }, 8192).budgetOverflows).toBe(true);
    expect(planContexts({}, 8192)).toMatchObject({ numCtx: 8192, numCtxFrom: "board", budgetOverflows: false });
  });

  it("names each threshold missed", () => {
    const plan = planContexts({ num_ctx: 4096 }, 1024);
    const slow = measureReply("short", 64, reply({ timings: { promptMs: 1000, evalMs: 5000, loadMs: 0 } }), 1);
    const verdict = judge([slow], plan, { minTokensPerSecond: 20, minPromptTokensPerSecond: 200, maxFirstTokenMs: 500 });
    expect(verdict.ready).toBe(false);
    expect(verdict.reasons).toEqual([
      "short context (64 tokens): 10 tokens/s, below 20",
      "short context (64 tokens): reads 100 prompt tokens/s, below 200",
      "short context (64 tokens): first token after 1100 ms, over 500",
    ]);
    expect(judge([measureReply("short", 64, reply({ timings: { evalMs: 1000 } }), 1)], plan, { minTokensPerSecond: 20 })).toEqual({ ready: true, reasons: [] });
  });
});
