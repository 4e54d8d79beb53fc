/**
 * `bead eval` as a person runs it: the built bin/ and bundle (the task files must ship in
 * dist/eval-tasks), all 21 built-in tasks, a scripted model behind the Ollama protocol double.
 * Needs `npm run build` first (`npm run test:system` does it).
 */
import { afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BEAD_BIN, runBeadProcess } from "../helpers/cli.js";
import { cleanupTempBoards, gitEnv, makeTempBoard } from "../helpers/temp-board.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import { COMPETENT, LOOPER, scriptedModel } from "../helpers/eval-models.js";
import type { AgentEval } from "../../src/eval/summary.js";

/** The double serves any number of requests at once; tell bead eval the server takes 4 (as `bead up` reads it). */
const SERVER_TAKES_4 = { BEAD_SERVER_CONCURRENCY: "4" };

let double: OllamaDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
  await cleanupTempBoards();
});

async function boardWith(replies: Parameters<typeof startOllamaDouble>[0]) {
  double = await startOllamaDouble(replies);
  const agent = `---\nname: tester\nprovider: ollama\nmodel: qwen3:8b\nhost: ${double.url}\nconcurrency: 4\n---\nYou are a careful engineer.\n`;
  return makeTempBoard({ "agents/tester.md": agent });
}

describe("bead eval (installed)", () => {
  it("passes a competent model on all 21 built-in tasks, and fails a looping one in every category", async () => {
    const board = await boardWith({ replies: scriptedModel(COMPETENT) });
    const good = await runBeadProcess(["eval", "tester", "--json"], { cwd: board.dir, env: SERVER_TAKES_4, timeoutMs: 180_000 });
    const [result] = JSON.parse(good.stdout) as AgentEval[];
    expect(result?.tasks.filter((t) => !t.passed)).toEqual([]);
    expect(result).toMatchObject({ passed: 21, total: 21, ready: true });
    expect(result?.categories.every((c) => c.total === 3)).toBe(true);
    expect(good.code).toBe(0);

    double?.setReplies(scriptedModel({}, LOOPER));
    const bad = await runBeadProcess(["eval", "tester", "--parallel", "8"], { cwd: board.dir, env: SERVER_TAKES_4, timeoutMs: 180_000 });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("0/21 tasks passed");
    expect(bad.stdout).toContain("verdict: NOT READY (0% passed, at least 75% needed); failed: tool-choice, read-before-edit, multi-step, recovery, tests, blocked, refusal");
    const stats = await runBeadProcess(["stats"], { cwd: board.dir, env: SERVER_TAKES_4 });
    expect(stats.stdout).toContain("tester (qwen3:8b): 0/21 NOT READY");
    expect(readFileSync(join(board.dir, ".git/beadboard/evals.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
  }, 400_000);

  it("SIGTERM stops an evaluation whose model hangs within seconds, exit 143, no verdict of ready", async () => {
    const board = await boardWith({ replies: [{ content: "", stallAfterChunks: 0 }] });
    const child = spawn(process.execPath, [BEAD_BIN, "eval", "tester", "--only", "find-port", "--only", "find-todo"], { cwd: board.dir, env: { ...process.env, ...gitEnv() } });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    // The model call is in flight once the double holds an open response.
    while ((double?.inFlight() ?? 0) === 0) await new Promise((resolve) => setImmediate(resolve));
    const sent = performance.now();
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(143);
    expect(performance.now() - sent).toBeLessThan(5000);
    expect(stdout).toContain("NOT READY (interrupted");
  }, 60_000);
});
