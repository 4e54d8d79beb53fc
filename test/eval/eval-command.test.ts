/**
 * `bead eval` end to end in one process: the CLI, the built-in task files, a throwaway repository
 * per task, the real harness tools and tool loop, and a scripted model behind the Ollama protocol
 * double. One task per category keeps it fast; the full set runs in eval.system.test.ts.
 */
import { afterEach, describe, expect, it } from "vitest";
import { readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../helpers/cli.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import { COMPETENT, scriptedModel } from "../helpers/eval-models.js";
import type { AgentEval } from "../../src/eval/summary.js";

/** The double serves any number of requests at once; tell bead eval the server takes 4 (as `bead up` reads it). */
const SERVER_TAKES_4 = { BEAD_SERVER_CONCURRENCY: "4" };

let double: OllamaDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
  await cleanupTempBoards();
});

/** One task of each category (the quick ones; add-setting and report-failing-test run node through the run tool). */
const ONE_PER_CATEGORY = ["find-port", "change-retries", "add-setting", "ambiguous-edit", "report-failing-test", "missing-spec", "injected-instruction"];
const only = (ids: string[]) => ids.flatMap((id) => ["--only", id]);

async function boardWith(model: ReturnType<typeof scriptedModel>, extra: Record<string, string> = {}) {
  double = await startOllamaDouble({ replies: model });
  const agent = `---\nname: tester\nprovider: ollama\nmodel: qwen3:8b\nhost: ${double.url}\nconcurrency: 4\n---\nYou are a careful engineer.\n`;
  return makeTempBoard({ "agents/tester.md": agent, ...extra });
}

describe("bead eval", () => {
  it("passes a competent scripted model: every category, verdict ready, results in evals.jsonl and bead stats", async () => {
    const board = await boardWith(scriptedModel(COMPETENT));
    const run = await runCli(["eval", "tester", ...only(ONE_PER_CATEGORY), "--json"], { cwd: board.dir, env: SERVER_TAKES_4 });
    expect(run.stderr).toBe("");
    const [result] = JSON.parse(run.stdout) as AgentEval[];
    expect(result?.tasks.filter((t) => !t.passed)).toEqual([]);
    expect(result).toMatchObject({ agent: "tester", model: "qwen3:8b", passed: 7, total: 7, ready: true, failedCategories: [] });
    expect(result?.categories.map((c) => c.category).sort()).toEqual(["blocked", "multi-step", "read-before-edit", "recovery", "refusal", "tests", "tool-choice"]);
    expect(run.code).toBe(0);
    // The model really worked through the harness: its calls reached the double, one request per step.
    const steps = result?.tasks.reduce((sum, t) => sum + t.steps, 0) ?? 0;
    expect(double?.requests.filter((r) => r.path === "/api/chat")).toHaveLength(steps);
    expect(result?.tasks.every((t) => t.tokensIn > 0 && t.tokensOut >= 0)).toBe(true); // counted from the server's replies
    const ambiguous = readFileSync(join(board.dir, ".git/beadboard/eval-transcripts/tester/ambiguous-edit.jsonl"), "utf8");
    expect(ambiguous).toContain("matches"); // the first edit_file was refused for its two matches, and the task still passed
    // The model got what the worker sends an acting agent: its persona, the bead heading, the prompt, the tool note.
    const first = double?.requests.find((r) => r.path === "/api/chat")?.body as { messages: { role: string; content: string }[] };
    expect(first.messages[0]?.content).toMatch(/^You are a careful engineer\.\n\nReply with one JSON object/);
    expect(first.messages[1]?.content).toMatch(/^# Bead [a-z-]+: /);
    expect(first.messages[2]?.content).toContain("call finish with your result and outcome");
    // Every change the model made was in a throwaway repository: the board has none.
    expect(board.git(["status", "--porcelain"])).toBe("");
    const lines = readFileSync(join(board.dir, ".git/beadboard/evals.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(1);
    const stats = await runCli(["stats"], { cwd: board.dir, env: SERVER_TAKES_4 });
    expect(stats.stdout).toContain("tester (qwen3:8b): 7/7 ready");
    const statsJson = JSON.parse((await runCli(["stats", "--json"], { cwd: board.dir, env: SERVER_TAKES_4 })).stdout) as { evals: { agent: string; ready: boolean }[] };
    expect(statsJson.evals).toMatchObject([{ agent: "tester", ready: true }]);
  });

  it("runs the board's own task files, and refuses a broken one naming file, line and fix", async () => {
    const own = "---\ncategory: tool-choice\ntitle: Name the author\nfiles:\n  AUTHORS: |\n    Ada Lovelace\nexpect:\n  result_contains: Ada\n  unchanged: true\n---\nWho wrote this? (see AUTHORS)\n";
    const script = { "name-author": (r: string[]) => (r.length === 0 ? { name: "read_file", arguments: { path: "AUTHORS" } } : { name: "finish", arguments: { result: `By ${r[0]?.split("\t")[1] ?? "?"}`, outcome: "done" } }) };
    const board = await boardWith(scriptedModel(script), { "evals/name-author.md": own });
    const run = await runCli(["eval", "--no-builtin", "--json"], { cwd: board.dir, env: SERVER_TAKES_4 });
    const [result] = JSON.parse(run.stdout) as AgentEval[];
    expect(result?.tasks.map((t) => [t.id, t.source, t.passed])).toEqual([["name-author", "evals/name-author.md", true]]);
    const list = await runCli(["eval", "--list", "--only", "tool-choice"], { cwd: board.dir });
    expect(list.stdout.split("\n").map((line) => line.split(" ")[0])).toEqual(["find-port", "find-todo", "list-tests", "name-author", ""]);
    expect(list.stdout).toContain("name-author            tool-choice      Name the author (evals/name-author.md)");

    board.write("evals/broken.md", "---\ncategory: tool-choice\ntitle: Broken\nexpect:\n  outcome: done\n  result_contain: x\n---\nDo it.\n");
    const broken = await runCli(["eval", "tester"], { cwd: board.dir, env: SERVER_TAKES_4 });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("evals/broken.md:6: unknown key result_contain under expect");
    expect(broken.stderr).toContain("checks: outcome, result_contains");
    const lint = await runCli(["lint"], { cwd: board.dir });
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain("evals/broken.md:6: unknown key result_contain under expect");
    board.write("evals/broken.md", "---\ncategory: tools\ntitle: Broken\nexpect:\n  outcome: done\n---\nDo it.\n");
    const category = await runCli(["eval", "tester"], { cwd: board.dir, env: SERVER_TAKES_4 });
    expect(category.stderr).toContain("evals/broken.md:2: category: category must be one of tool-choice, read-before-edit");
    rmSync(join(board.dir, "evals/broken.md"));
    symlinkSync("/etc/passwd", join(board.dir, "evals/link.md"));
    const link = await runCli(["eval", "tester"], { cwd: board.dir, env: SERVER_TAKES_4 });
    expect(link.code).toBe(1);
    expect(link.stderr).toContain("evals/link.md:1: a symbolic link, not a regular file");
    expect(double?.requests.filter((r) => r.path === "/api/chat")).toHaveLength(2); // the broken files sent nothing to the model
  });

  it("evaluates an openai agent: the calls arrive as streamed fragments and the tasks pass", async () => {
    double = await startOllamaDouble({ replies: scriptedModel(COMPETENT) });
    const board = await makeTempBoard({ "agents/vllm.md": `---\nname: vllm\nprovider: openai\nmodel: qwen3:8b\nhost: ${double.url}/v1\n---\nYou are terse.\n` });
    const run = await runCli(["eval", "vllm", "--only", "find-todo", "--only", "change-retries", "--parallel", "2", "--json"], { cwd: board.dir, env: SERVER_TAKES_4 });
    const [result] = JSON.parse(run.stdout) as AgentEval[];
    expect(result?.tasks.map((t) => [t.id, t.passed, t.failures])).toEqual([
      ["change-retries", true, []],
      ["find-todo", true, []],
    ]);
    expect(double.requests.filter((r) => r.path === "/v1/chat/completions").length).toBe(5);
    expect(run.code).toBe(0);
  });
});
