/** `bead doctor` and `bead agent ls` against the Ollama double (in process). */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import type { AgentRuntime } from "../../src/agent/runtime.js";
import { runCli } from "../helpers/cli.js";
import { beadText } from "../helpers/beads.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import { cleanupTempBoards, makeTempBoard, runGit } from "../helpers/temp-board.js";
import { REPORTER, ollamaAgent, replyJson, runtimeFor, testEnv, waitFor } from "./support.js";

let double: OllamaDouble;
let runtime: AgentRuntime | undefined;
beforeEach(async () => {
  double = await startOllamaDouble({ models: [{ name: "qwen3:8b", contextLength: 40960 }] });
});
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  await double.close();
  await cleanupTempBoards();
});

/** A board with the pre-commit hook installed, so that doctor's only verdicts are about agents. */
async function boardWith(agents: Record<string, string>) {
  const files: Record<string, string> = { ".githooks/pre-commit": "#!/bin/sh\nexec bead lint --staged\n", "beads/bb-1.md": beadText(["title: One", "labels: [code]"]) };
  for (const [name, text] of Object.entries(agents)) files[`agents/${name}.md`] = text;
  const board = await makeTempBoard(files);
  chmodSync(join(board.dir, ".githooks/pre-commit"), 0o755);
  await runGit(board.dir, ["config", "core.hooksPath", ".githooks"]);
  return board;
}

const doctor = (dir: string) => runCli(["doctor", "-C", dir], { cwd: dir, env: testEnv() });

describe("bead doctor", () => {
  it("is ok when the server answers and has the model, and num_ctx fits", async () => {
    const board = await boardWith({ coder: ollamaAgent("coder", double.url, ["options: { num_ctx: 16384 }"]), reporter: REPORTER });
    const run = await doctor(board.dir);
    expect(run.stdout).toContain(`ok    agent coder: ${double.url} has qwen3:8b (context 40960)\n`);
    expect(run.stdout).toContain("ok    agent reporter: builtin report (no model needed)\n");
    expect(run.stdout).not.toContain("FAIL");
    expect(run.code).toBe(0);
    expect(double.requests.map((request) => `${request.method} ${request.path}`)).toEqual(expect.arrayContaining(["GET /api/tags", "POST /api/show"]));
  });

  it("fails with an `ollama pull` hint when the model is missing", async () => {
    const board = await boardWith({ coder: ollamaAgent("coder", double.url).replace("model: qwen3:8b", "model: llama3.2:3b") });
    const run = await doctor(board.dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`FAIL  agent coder: ${double.url} answers but has no model llama3.2:3b; run \`ollama pull llama3.2:3b\`\n`);
  });

  it("fails with an `ollama serve` hint when the server is down", async () => {
    const board = await boardWith({ coder: ollamaAgent("coder", double.url) });
    await double.setDown(true);
    const run = await doctor(board.dir);
    expect(run.code).toBe(1);
    const line = run.stdout.split("\n").find((text) => text.includes("agent coder")) ?? "";
    expect(line).toMatch(/^FAIL {2}agent coder: http:\/\/127\.0\.0\.1:\d+ does not answer \(.*ECONNREFUSED.*\); start it with `ollama serve` and `ollama pull qwen3:8b`$/);
  });

  it("fails when num_ctx is larger than the model's context length", async () => {
    const board = await boardWith({ coder: ollamaAgent("coder", double.url, ["options: { num_ctx: 65536 }"]) });
    const run = await doctor(board.dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("FAIL  agent coder: num_ctx 65536 exceeds qwen3:8b's context length 40960; lower it in agents/coder.md\n");
  });

  it("reports an invalid agent file and prints JSON with --json", async () => {
    const board = await boardWith({ coder: ollamaAgent("coder", double.url), broken: "---\nprovider: nope\n---\n" });
    const run = await runCli(["doctor", "-C", board.dir, "--json"], { cwd: board.dir, env: testEnv() });
    expect(run.code).toBe(1);
    const checks = JSON.parse(run.stdout) as Array<{ name: string; ok: boolean; detail: string }>;
    expect(checks).toEqual(
      expect.arrayContaining([
        { name: "agent file agents/broken.md", ok: false, detail: expect.stringContaining("agents/broken.md:2: provider:") },
        { name: "agent coder", ok: true, detail: `${double.url} has qwen3:8b (context 40960)` },
      ]),
    );
  });
});

describe("bead agent ls", () => {
  it("shows each agent, its model, and the bead it is working on", async () => {
    const board = await boardWith({ coder: ollamaAgent("coder", double.url, ["takes: { labels: [code] }", "timeout: 5m"]), reporter: REPORTER });
    double.setReplies([{ content: replyJson(), stallAfterChunks: 1 }]);
    runtime = await runtimeFor(board.dir, "coder");
    await runtime.start();
    await waitFor(() => double.inFlight() === 1, 10_000, "coder to be mid-bead");

    const run = await runCli(["agent", "ls", "-C", board.dir], { cwd: board.dir, env: testEnv() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^coder {2}ollama:qwen3:8b {2}local \(127\.0\.0\.1 is a loopback or private address\) {2}bb-1 \(coder@test, lease until \d{4}-\d\d-\d\dT[\d:.]+Z\)$/m);
    expect(run.stdout).toMatch(/^reporter {2}builtin:report {2}local \(builtin: no model server\) {2}idle$/m);

    const json = await runCli(["agent", "ls", "-C", board.dir, "--json"], { cwd: board.dir, env: testEnv() });
    const parsed = JSON.parse(json.stdout) as { agents: Array<{ name: string; model: string; working: Array<{ id: string; claimed_by: string }> }>; problems: string[] };
    expect(parsed.agents.find((agent) => agent.name === "coder")).toMatchObject({ model: "qwen3:8b", working: [{ id: "bb-1", claimed_by: "coder@test" }] });
    expect(parsed.agents.find((agent) => agent.name === "reporter")?.working).toEqual([]);
    expect(parsed.problems).toEqual([]);
  });
});
