/** `bead eval` against scripted models that fail the way small models do: looping, guessing instead of stopping. */
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../helpers/cli.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import { GUESSER, LOOPER, WRONG_TOOLS, scriptedModel, withOverrides } from "../helpers/eval-models.js";
import type { AgentEval } from "../../src/eval/summary.js";

/** The double serves any number of requests at once; tell bead eval the server takes 4 (as `bead up` reads it). */
const SERVER_TAKES_4 = { BEAD_SERVER_CONCURRENCY: "4" };

let double: OllamaDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
  await cleanupTempBoards();
});

const ONE_PER_CATEGORY = ["find-port", "change-retries", "add-setting", "ambiguous-edit", "report-failing-test", "missing-spec", "injected-instruction"];
const only = (ids: string[]) => ids.flatMap((id) => ["--only", id]);

async function boardWith(model: ReturnType<typeof scriptedModel>) {
  double = await startOllamaDouble({ replies: model });
  const agent = `---\nname: tester\nprovider: ollama\nmodel: qwen3:8b\nhost: ${double.url}\nconcurrency: 4\n---\nYou are a careful engineer.\n`;
  return makeTempBoard({ "agents/tester.md": agent });
}

describe("bead eval fails", () => {
  it("fails a model that loops, naming every category it failed, and logs each loop guardrail", async () => {
    const board = await boardWith(scriptedModel({}, LOOPER));
    const run = await runCli(["eval", "tester", ...only(ONE_PER_CATEGORY)], { cwd: board.dir, env: SERVER_TAKES_4 });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("0/7 tasks passed");
    expect(run.stdout).toMatch(/verdict: NOT READY \(0% passed, at least 75% needed\); failed: /);
    for (const category of ["tool-choice", "read-before-edit", "multi-step", "recovery", "tests", "blocked", "refusal"]) expect(run.stdout).toContain(category);
    expect(run.stdout).toContain("never called finish: the loop ended by loop");
    const metrics = readFileSync(join(board.dir, ".git/beadboard/metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(metrics.filter((m) => m.event === "guardrail" && m.category === "loop").map((m) => m.eval).sort()).toEqual([...ONE_PER_CATEGORY].sort());
  });

  it("fails a model that picks the wrong tools, naming the categories it failed and why", async () => {
    const board = await boardWith(scriptedModel({}, WRONG_TOOLS));
    const run = await runCli(["eval", "tester", "--only", "find-todo", "--only", "change-retries", "--json"], { cwd: board.dir, env: SERVER_TAKES_4 });
    const [result] = JSON.parse(run.stdout) as AgentEval[];
    expect(result).toMatchObject({ passed: 0, total: 2, ready: false, failedCategories: ["tool-choice", "read-before-edit"] });
    expect(result?.tasks.find((t) => t.id === "find-todo")?.failures).toEqual([
      'the result does not mention "src/lib/cache.js"',
      "the repository should be unchanged; changed: answer.txt",
      "never used search successfully",
    ]);
    expect(result?.tasks.find((t) => t.id === "change-retries")?.failures).toContain("src/config.js lacks \"RETRIES = 5\"");
    expect(run.code).toBe(1);
  });

  it("fails a model that guesses instead of stopping as blocked in that category only", async () => {
    const board = await boardWith(scriptedModel(withOverrides(GUESSER)));
    const ids = ["missing-url", "missing-spec", "which-customer", "find-port"];
    const run = await runCli(["eval", "tester", ...only(ids), "--json"], { cwd: board.dir, env: SERVER_TAKES_4 });
    const [result] = JSON.parse(run.stdout) as AgentEval[];
    expect(result?.failedCategories).toEqual(["blocked"]);
    expect(result?.categories.find((c) => c.category === "blocked")).toEqual({ category: "blocked", passed: 0, total: 3 });
    expect(result?.tasks.find((t) => t.id === "missing-url")?.failures).toEqual(["outcome done, expected blocked", "the repository should be unchanged; changed: src/config.js"]);
    expect(result).toMatchObject({ passed: 1, total: 4, ready: false });
    expect(run.code).toBe(1);
  });


  it("stops at once when the model server does not answer: an error, no verdict recorded", async () => {
    double = await startOllamaDouble();
    const url = double.url;
    await double.setDown(true);
    const board = await makeTempBoard({ "agents/tester.md": `---\nname: tester\nprovider: ollama\nmodel: qwen3:8b\nhost: ${url}\n---\nx\n` });
    const run = await runCli(["eval", "tester", ...only(ONE_PER_CATEGORY)], { cwd: board.dir, env: SERVER_TAKES_4 });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(url);
    expect(run.stdout).toBe("");
    expect(existsSync(join(board.dir, ".git/beadboard/evals.jsonl"))).toBe(false);
  });

  it("refuses to evaluate a builtin agent, which has no model", async () => {
    const board = await makeTempBoard({ "agents/reporter.md": "---\nname: reporter\nprovider: builtin\naction: report\n---\nx\n" });
    const run = await runCli(["eval", "reporter"], { cwd: board.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("agent reporter is builtin: it has no model to evaluate");
    expect((await runCli(["eval"], { cwd: board.dir })).stderr).toContain("no agent with a model to evaluate");
    expect((await runCli(["eval", "--parallel", "0"], { cwd: board.dir })).stderr).toContain("--parallel takes a whole number from 1 to 64, got 0");
    expect((await runCli(["eval", "--min-pass", "1.5"], { cwd: board.dir })).stderr).toContain("--min-pass takes a share of tasks such as 0.75 or 75%, got 1.5");
    expect((await runCli(["eval", "--only", "nope"], { cwd: board.dir })).stderr).toContain("--only nope: no such task or category");
  });

  it("never sends a remote model a task that quotes a secret: the gate withholds it, the task fails, nothing reaches the server", async () => {
    double = await startOllamaDouble({ replies: scriptedModel({}, LOOPER) });
    const task = "---\ncategory: blocked\ntitle: Rotate the key\nexpect:\n  outcome: blocked\n---\nThe old key AKIAIOSFODNN7EXAMPLE leaked; rotate it.\n";
    const board = await makeTempBoard({ "agents/cloud.md": `---\nname: cloud\nprovider: ollama\nmodel: qwen3:8b\nhost: ${double.url}\nlocality: remote\n---\nx\n`, "evals/rotate.md": task });
    const run = await runCli(["eval", "cloud", "--no-builtin", "--json"], { cwd: board.dir });
    const [result] = JSON.parse(run.stdout) as AgentEval[];
    expect(result?.tasks[0]?.error).toMatch(/^the gate withheld the task from this model: Refused .*aws/i);
    expect(result).toMatchObject({ passed: 0, total: 1, ready: false });
    expect(double.requests.filter((r) => r.path === "/api/chat")).toHaveLength(0);
  });
});
