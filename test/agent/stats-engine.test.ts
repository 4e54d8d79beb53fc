/** `bead stats` for embedded models: tokens/s and load time per agent and model, pure and through the CLI. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { aggregate } from "../../src/stats/aggregate.js";
import { engineStats, renderEngineStats } from "../../src/stats/engine.js";
import type { MetricLine } from "../../src/stats/read.js";
import { runCli } from "../helpers/cli.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

const call = (agent: string, model: string, tokensOut: number, rate: number | undefined, loadMs: number | undefined): MetricLine => ({
  event: "model_call",
  agent,
  model,
  tokens_in: 10,
  tokens_out: tokensOut,
  latency_ms: 100,
  locality: "local",
  ...(loadMs === undefined ? {} : { load_ms: loadMs, tokens_per_s: rate }),
});

const LINES: MetricLine[] = [
  // First process: loaded in 800 ms; 100 tokens at 50/s (2 s) and 10 tokens at 10/s (1 s).
  call("tiny", "models/tiny.gguf", 100, 50, 800),
  call("tiny", "models/tiny.gguf", 10, 10, 800),
  // Second process: loaded in 400 ms; 90 tokens at 90/s (1 s).
  call("tiny", "models/tiny.gguf", 90, 90, 400),
  // A call with no tokens (cut off at once) has no rate to speak of.
  call("tiny", "models/tiny.gguf", 0, 0, 400),
  call("coder", "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M", 40, 20, 2500),
  // Server calls have no load time: not an in-process engine.
  call("homebody", "qwen3:8b", 50, undefined, undefined),
  { event: "done", agent: "tiny", model: "models/tiny.gguf" },
];

describe("engineStats", () => {
  it("rates are token-weighted (tokens over generation time), loads counted once per process", () => {
    expect(engineStats(LINES)).toEqual([
      { agent: "tiny", model: "models/tiny.gguf", calls: 4, tokensOut: 200, tokensPerSecond: 50, loads: 2, loadMsP50: 400, loadMsMax: 800 },
      { agent: "coder", model: "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M", calls: 1, tokensOut: 40, tokensPerSecond: 20, loads: 1, loadMsP50: 2500, loadMsMax: 2500 },
    ]);
  });

  it("ignores lines that are not numbers where numbers belong, and says nothing when no embedded call ran", () => {
    const odd = [{ event: "model_call", agent: "x", model: "m", load_ms: "fast", tokens_out: 5, tokens_per_s: 1 }, { event: "model_call", agent: "y", model: "m", load_ms: 5, tokens_out: "lots", tokens_per_s: "quick" }];
    // The reader (stats/read.ts) skips such lines; engineStats stays safe if handed one anyway.
    expect(engineStats(odd as unknown as Parameters<typeof engineStats>[0])).toEqual([{ agent: "y", model: "m", calls: 1, tokensOut: 0, tokensPerSecond: null, loads: 1, loadMsP50: 5, loadMsMax: 5 }]);
    expect(renderEngineStats(engineStats([]))).toEqual([]);
    expect(aggregate([]).engines).toEqual([]);
  });

  it("renders a table with n/a where there is no rate", () => {
    const text = renderEngineStats(engineStats([call("a", "m.gguf", 0, 0, 12_345)])).join("\n");
    expect(text).toContain("In-process models (embedded):");
    expect(text).toMatch(/a\s+m\.gguf\s+1\s+n\/a\s+1\s+12\.3 s\s+12\.3 s/);
  });
});

describe("bead stats with embedded calls", () => {
  it("shows tokens/s and load time per agent and model, in text and JSON", async () => {
    const board = await makeTempBoard({ "beads/b1.md": "---\ntitle: one\n---\n" });
    mkdirSync(join(board.dir, ".git", "beadboard"), { recursive: true });
    writeFileSync(join(board.dir, ".git", "beadboard", "metrics.jsonl"), `${LINES.map((line) => JSON.stringify(line)).join("\n")}\n`);
    const text = await runCli(["stats"], { cwd: board.dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/tiny\s+models\/tiny\.gguf\s+4\s+50\s+2\s+400 ms\s+800 ms/);
    const parsed = JSON.parse((await runCli(["stats", "--json"], { cwd: board.dir })).stdout) as ReturnType<typeof aggregate>;
    expect(parsed.engines.map((row) => [row.agent, row.tokensPerSecond, row.loadMsMax])).toEqual([["tiny", 50, 800], ["coder", 20, 2500]]);
  });
});
