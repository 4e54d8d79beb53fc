/**
 * `bead stats`: numbers from a known metrics file, pure and through the CLI.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { aggregate, percentiles } from "../../src/stats/aggregate.js";
import { parseMetrics } from "../../src/stats/read.js";
import { runCli } from "../helpers/cli.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

const T = (s: number) => `2025-03-01T10:00:${String(s).padStart(2, "0")}.000Z`;
const LINES = [
  { ts: T(1), event: "gate", agent: "homebody", bead: "b1", decision: "allow", bytes: 1000, locality: "local" },
  { ts: T(2), event: "model_call", agent: "homebody", bead: "b1", model: "qwen3:8b", tokens_in: 100, tokens_out: 50, latency_ms: 100, locality: "local" },
  { ts: T(3), event: "done", agent: "homebody", bead: "b1", model: "qwen3:8b", duration_ms: 150 },
  { ts: T(4), event: "gate", agent: "cloud", bead: "b2", decision: "allow", bytes: 2000, locality: "remote" },
  { ts: T(5), event: "model_call", agent: "cloud", bead: "b2", model: "gpt-x", tokens_in: 1000, tokens_out: 1000, latency_ms: 400, locality: "remote", price_per_1k: 0.5 },
  { ts: T(6), event: "done", agent: "cloud", bead: "b2", model: "gpt-x", duration_ms: 450 },
  { ts: T(7), event: "gate", agent: "cloud", bead: "b3", decision: "block", bytes: 0, locality: "remote", reason: "Refused for b3: ..." },
  { ts: T(8), event: "blocked", agent: "cloud", bead: "b3" },
  { ts: T(9), event: "done", agent: "runner", bead: "b4", model: "builtin:run", duration_ms: 20 },
  { ts: T(10), event: "model_call", agent: "homebody", bead: "b5", model: "qwen3:8b", tokens_in: 10, tokens_out: 10, latency_ms: 300, locality: "local" },
  { ts: T(11), event: "failed", agent: "homebody", bead: "b5", reason: "invalid output", attempts: 3 },
  { ts: T(12), event: "escalation", agent: "homebody", bead: "b5", state: "requested" },
  { ts: T(13), event: "escalation", agent: "cloud", bead: "b5", state: "handed-over" },
  { ts: T(14), event: "model_call", agent: "cloud", bead: "b1", purpose: "shadow", model: "gpt-x", tokens_in: 100, tokens_out: 100, latency_ms: 200, locality: "remote", price_per_1k: 0.5 },
  { ts: T(15), event: "shadow", agent: "homebody", bead: "b1", shadow: "cloud", decision: "allow", similarity: 0.8, same_outcome: true, agreement: true, primary_latency_ms: 100, shadow_latency_ms: 200, primary_tokens: 150, shadow_tokens: 200 },
  { ts: T(16), event: "shadow", agent: "homebody", bead: "b6", shadow: "cloud", decision: "block", reason: "private" },
  { ts: T(17), event: "shadow", agent: "homebody", bead: "b7", shadow: "cloud", decision: "allow", similarity: 0.2, same_outcome: false, agreement: false, primary_latency_ms: 300, shadow_latency_ms: 100, primary_tokens: 10, shadow_tokens: 20 },
  { ts: T(18), event: "route", agent: "rules", bead: "b1", assigned: "homebody", rule: "label \"x\"" },
  { ts: T(19), event: "route", agent: "switchboard", bead: "b2", assigned: "cloud", rule: "router switchboard" },
  { ts: T(20), event: "plan", agent: "planner", bead: "e1", children: ["c1", "c2", "c3"] },
];
const TEXT = `${LINES.map((line) => JSON.stringify(line)).join("\n")}\n{"torn line`;

describe("aggregate", () => {
  it("counts a known metrics file", () => {
    const { lines, skipped } = parseMetrics(TEXT);
    expect(skipped).toBe(1);
    const stats = aggregate(lines);
    expect(stats.from).toBe(T(1));
    expect(stats.to).toBe(T(20));
    expect(stats.beads).toEqual({ done: 3, failed: 1, blocked: 1, doneLocal: 2, doneRemote: 1, localShare: 0.6667 });
    expect(stats.doneBy).toEqual([
      { agent: "cloud", model: "gpt-x", locality: "remote", done: 1 },
      { agent: "homebody", model: "qwen3:8b", locality: "local", done: 1 },
      { agent: "runner", model: "builtin:run", locality: "local", done: 1 },
    ]);
    expect(stats.modelCalls).toEqual({ total: 4, local: 2, remote: 2, byPurpose: { work: 3, shadow: 1 } });
    expect(stats.tokens).toMatchObject({ in: 1210, out: 1160, local: 170, remote: 2200, localShare: 0.0717 });
    expect(stats.latency.modelCallMs).toEqual({ count: 4, p50: 200, p95: 400 });
    expect(stats.latency.beadMs).toEqual({ count: 3, p50: 150, p95: 450 });
    // (1000 + 1000) / 1000 × 0.5 + (100 + 100) / 1000 × 0.5
    expect(stats.cost).toEqual({ total: 1.1, byAgent: [{ agent: "cloud", cost: 1.1 }] });
    expect(stats.escalations).toEqual({ requested: 1, handedOver: 1 });
    expect(stats.gate).toEqual({ decisions: 3, allowed: 2, blocked: 1, bytesSent: 3000, bytesSentRemote: 2000, blockedBy: [{ agent: "cloud", count: 1 }] });
    expect(stats.shadow).toMatchObject({ comparisons: 2, blocked: 1, failed: 0, agreements: 1, agreementRate: 0.5, meanSimilarity: 0.5 });
    expect(stats.shadow.pairs).toEqual([
      { primary: "homebody", shadow: "cloud", comparisons: 2, agreements: 1, meanSimilarity: 0.5, primaryLatencyMs: { count: 2, p50: 100, p95: 300 }, shadowLatencyMs: { count: 2, p50: 100, p95: 200 }, primaryTokens: 160, shadowTokens: 220 },
    ]);
    expect(stats.routes).toEqual({ total: 2, byRules: 1, byRouter: 1 });
    expect(stats.plans).toEqual({ epics: 1, children: 3 });
  });

  it("nearest-rank percentiles, and an empty log", () => {
    expect(percentiles([])).toEqual({ count: 0, p50: null, p95: null });
    expect(percentiles([5])).toEqual({ count: 1, p50: 5, p95: 5 });
    expect(percentiles(Array.from({ length: 100 }, (_, i) => 100 - i))).toEqual({ count: 100, p50: 50, p95: 95 });
    const empty = aggregate([]);
    expect(empty.beads.localShare).toBeNull();
    expect(empty.cost.total).toBe(0);
  });
});

describe("bead stats", () => {
  it("prints the numbers as text and as JSON", async () => {
    const board = await makeTempBoard({ "beads/b1.md": "---\ntitle: one\n---\n" });
    mkdirSync(join(board.dir, ".git", "beadboard"), { recursive: true });
    writeFileSync(join(board.dir, ".git", "beadboard", "metrics.jsonl"), TEXT);
    const asJson = await runCli(["stats", "--json"], { cwd: board.dir });
    expect(asJson.code).toBe(0);
    const parsed = JSON.parse(asJson.stdout) as ReturnType<typeof aggregate> & { skippedLines: number };
    expect(parsed.beads.done).toBe(3);
    expect(parsed.cost.total).toBe(1.1);
    expect(parsed.skippedLines).toBe(1);
    const text = await runCli(["stats"], { cwd: board.dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("Beads done: 3 (local 2, remote 1; 67% local); failed 1; blocked 1");
    expect(text.stdout).toContain("Latency per model call: p50 200 ms, p95 400 ms (4)");
    expect(text.stdout).toContain("Estimated cloud cost: 1.1000 (cloud 1.1000)");
    expect(text.stdout).toContain("Escalations: 1 requested, 1 handed to a remote agent");
    expect(text.stdout).toContain("Sensitivity gate: 3 decisions, 1 blocked (cloud 1); 2,000 bytes sent to remote models");
    expect(text.stdout).toContain("Shadow: 2 comparisons, 1 agree (50%), mean similarity 0.5; 1 not sent (gate), 0 failed");
    expect(text.stderr).toContain("1 unreadable line(s)");
  });

  it("works on a board no agent has run on yet", async () => {
    const board = await makeTempBoard({});
    const result = await runCli(["stats"], { cwd: board.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("no metrics recorded yet");
  });
});
