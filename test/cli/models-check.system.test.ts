import { afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { BEAD_BIN, runCli } from "../helpers/cli.js";
import { gitEnv } from "../helpers/temp-board.js";
import { makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import type { CheckRecord } from "../../src/model/check-log.js";

let board: TempBoard | undefined;
let double: OllamaDouble | undefined;
afterEach(async () => {
  await double?.close();
  await board?.cleanup();
});

const within10 = (measured: number | undefined, set: number) => {
  expect(measured).toBeDefined();
  expect(Math.abs(measured! - set) / set).toBeLessThan(0.1);
};

describe("bead models check against a double that really takes its time", () => {
  it("measures on its own clock what a server without timings was set to (within 10%), and doctor shows the check", async () => {
    // Real pace: the double waits the load and streams tokens at 50/s. On the OpenAI-compatible
    // endpoint it sends no timings (serverTimings: false), so the check measures on its own clock.
    double = await startOllamaDouble({
      models: [{ name: "m", loadMs: 400, evalTokensPerSecond: 50 }],
      replies: () => ({ content: "x".repeat(200), evalTokens: 50 }),
      load: { pace: "real", serverTimings: false },
    });
    board = await makeTempBoard({
      "agents/live.md": `---\nname: live\nprovider: ollama\nmodel: m\nhost: ${double.url}\noptions: { num_ctx: 8192 }\n---\nx\n`,
      "agents/clock.md": `---\nname: clock\nprovider: openai\nmodel: m\nhost: ${double.url}/v1\noptions: { num_ctx: 8192 }\n---\nx\n`,
    });
    const run = await runCli(["models", "check", "--json"], { cwd: board.dir });
    const records = JSON.parse(run.stdout) as CheckRecord[];
    const live = records.find((r) => r.agent === "live");
    const clock = records.find((r) => r.agent === "clock");
    for (const probe of live!.probes) within10(probe.evalTokensPerSecond, 50);
    expect(clock!.probes.map((p) => p.source)).toEqual(["client", "client"]);
    for (const probe of clock!.probes) within10(probe.evalTokensPerSecond, 50);
    // clock is checked first (agents in name order): its first token waited for the load (400 ms);
    // the rest of a client-side first-token time is this machine's (connection, first call).
    expect(clock!.probes[0]!.firstTokenMs).toBeGreaterThanOrEqual(400);
    expect(clock!.probes[1]!.firstTokenMs).toBeLessThan(400);
    const doctor = await runCli(["doctor", "--json"], { cwd: board.dir });
    const checks = JSON.parse(doctor.stdout) as Array<{ name: string; ok: boolean; detail: string }>;
    expect(checks.find((c) => c.name === "agent live last models check")).toMatchObject({ ok: true, detail: expect.stringMatching(/^m: \d+(\.\d)?\/\d+(\.\d)? tokens\/s \(short\/long\), ready/) });
  });

  it("stops a probe in flight on SIGINT: exit 130, nothing recorded for it", async () => {
    double = await startOllamaDouble({ models: [{ name: "m" }], replies: () => ({ content: "x", stallAfterChunks: 0 }) });
    board = await makeTempBoard({ "agents/stuck.md": `---\nname: stuck\nprovider: ollama\nmodel: m\nhost: ${double.url}\n---\nx\n` });
    const child = spawn(process.execPath, [BEAD_BIN, "models", "check", "-C", board.dir], { env: { ...process.env, ...gitEnv() }, stdio: ["ignore", "pipe", "pipe"] });
    // Wait for the probe to reach the server (the double records it), then interrupt.
    while (double.requests.filter((r) => r.path === "/api/chat").length === 0) await new Promise((resolve) => setImmediate(resolve));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(130);
    expect(existsSync(join(board.dir, ".git/beadboard/models.jsonl"))).toBe(false);
  });
});
