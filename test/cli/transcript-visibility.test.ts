/**
 * What an acting agent did, visible afterwards (issue 11, item 8): the real tool loop (harness
 * tools, Ollama double) writes a transcript the way the worker does; `bead log --transcript`,
 * `bead show` and `bead stats` read it back, text and --json; torn lines and planted symlinks
 * do not get through.
 */
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runToolLoop } from "../../src/harness/loop.js";
import { HARNESS_TOOLS } from "../../src/harness/tools/index.js";
import { fileTranscript, transcriptPath } from "../../src/harness/transcript.js";
import { createOllamaProvider } from "../../src/model/ollama.js";
import { beadText } from "../helpers/beads.js";
import { startOllamaDouble, type OllamaDouble, type Reply } from "../helpers/ollama-double.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard, type CliBoard } from "./support.js";

let double: OllamaDouble | undefined;
let board: CliBoard;
afterEach(async () => {
  await double?.close();
  double = undefined;
  await cleanupTempBoards();
});

const call = (name: string, args: Record<string, unknown>): Reply => ({ content: "", toolCalls: [{ name, arguments: args }] });

/** One attempt of the real loop on the board's own files, its transcript where the worker puts it. */
async function workedAttempt(attempt: number, replies: Reply[]): Promise<void> {
  double = await startOllamaDouble({ replies });
  await runToolLoop({
    provider: createOllamaProvider({ host: double.url, env: {} }),
    model: "qwen3:8b",
    messages: [{ role: "user", content: "Fix the app." }],
    tools: HARNESS_TOOLS,
    toolNames: ["read_file", "list_files", "finish"],
    ctx: { root: board.dir, allow: [] },
    gate: () => ({ allowed: true }),
    transcript: fileTranscript(transcriptPath(join(board.dir, ".git"), "bb-1", attempt)),
  });
  await double.close();
  double = undefined;
}

beforeEach(async () => {
  board = await cliBoard({ "beads/bb-1.md": beadText(["title: Fix the app", "branch: bead/bb-1"]), "beads/bb-2.md": beadText(["title: Untouched"]), "src/app.txt": "broken\n" });
  await workedAttempt(1, [
    call("read_file", { path: "src/app.txt" }),
    call("read_file", { path: "../../etc/passwd" }),
    call("shell", { command: "rm -rf /" }),
    call("finish", { result: "It says broken; I could not fix it.", outcome: "failed" }),
  ]);
});

describe("bead log --transcript", () => {
  it("prints each step readably: the calls, their results, the refusals and how it ended", async () => {
    const run = await board.bead(["log", "bb-1", "--transcript"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^attempt 1 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d: 4 step\(s\), 4 tool call\(s\), 2 refused, 0 failed, 0 withheld$/);
    expect(lines).toContain('  step 1  call read_file {"path":"src/app.txt"}');
    expect(lines).toContain("  step 1  result of read_file: 1\tbroken");
    expect(lines.filter((line) => line.includes("'..' is not allowed"))).toHaveLength(1); // the refusal, not again as its result
    expect(lines.some((line) => /^ {2}step 2 {2}tool_refused read_file: .*refused path "\.\.\/\.\.\/etc\/passwd"/.test(line))).toBe(true);
    expect(lines.some((line) => /^ {2}step 3 {2}tool_refused shell: .*shell/.test(line))).toBe(true);
    expect(lines).toContain("  end: finish (finish called)");
  });

  it("--json gives the summary and the stored records of each attempt; --attempt picks one", async () => {
    await workedAttempt(2, [call("list_files", { path: "src" }), call("finish", { result: "Listed.", outcome: "done" })]);
    const all = JSON.parse((await board.bead(["log", "bb-1", "--transcript", "--json"])).stdout) as Array<Record<string, unknown>>;
    expect(all.map((entry) => entry.attempt)).toEqual([1, 2]);
    expect(all[0]).toMatchObject({ kind: "tools", steps: 4, toolCalls: 4, byTool: { read_file: 2, shell: 1, finish: 1 }, refusals: 2, errors: 0, gateBlocks: 0, stop: "finish", truncated: false });
    expect((all[0]?.records as unknown[]).length).toBeGreaterThan(8);
    const second = await board.bead(["log", "bb-1", "--transcript", "--attempt", "2"]);
    expect(second.stdout).toMatch(/^attempt 2 .*: 2 step\(s\), 2 tool call\(s\), 0 refused/);
    expect(second.stdout).not.toContain("attempt 1");
  });

  it("no transcript, a wrong attempt number, a bad id: clear errors", async () => {
    const none = await board.bead(["log", "bb-2", "--transcript"]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/transcript for bead not found: bb-2 \(only agents with tools: or provider: exec write one/);
    const missing = await board.bead(["log", "bb-1", "--transcript", "--attempt", "7"]);
    expect(missing.stderr).toMatch(/transcript attempt 7 for bead not found: bb-1/);
    const bad = await board.bead(["log", "bb-1", "--transcript", "--attempt", "x"]);
    expect(bad.stderr).toMatch(/--attempt "x" is not an attempt number/);
    expect((await board.bead(["log", "../x", "--transcript"])).code).not.toBe(0);
  });

  it("clips long fields in text mode, skips torn lines, and never follows a planted symlink", async () => {
    const dir = join(board.dir, ".git", "beadboard", "transcripts", "bb-1");
    appendFileSync(join(dir, "1.jsonl"), `${JSON.stringify({ step: 5, kind: "tool", tool: "read_file", text: "y".repeat(3000) })}\n{"step": 6, "kind": "tool", "te`);
    writeFileSync(join(board.dir, "outside.jsonl"), `${JSON.stringify({ step: 1, kind: "request", harness: "LEAKED" })}\n`);
    symlinkSync(join(board.dir, "outside.jsonl"), join(dir, "3.jsonl"));
    mkdirSync(join(board.dir, ".git", "beadboard", "transcripts", "bb-2"));
    symlinkSync(join(board.dir, "outside.jsonl"), join(board.dir, ".git", "beadboard", "transcripts", "bb-2", "1.jsonl"));
    const run = await board.bead(["log", "bb-1", "--transcript"]);
    expect(run.stdout).toContain(`result of read_file: ${"y".repeat(200)}… (+2800 chars)`);
    expect(run.stdout).toContain("(1 unreadable line(s) skipped)");
    expect(run.stdout).not.toContain("LEAKED");
    expect(run.stdout).not.toContain("attempt 3");
    expect((await board.bead(["log", "bb-2", "--transcript"])).code).not.toBe(0);
  });
});

describe("bead show and bead stats", () => {
  it("show gives the branch and the last attempt's steps and tool calls; --json has every attempt", async () => {
    const text = (await board.bead(["show", "bb-1"])).stdout;
    expect(text).toContain("  branch: bead/bb-1 (`bead diff bb-1`, `bead merge bb-1`)");
    expect(text).toContain("  work: attempt 1: 4 step(s), 4 tool call(s) (read_file 2, finish 1, shell 1), 2 refused, 0 failed, 0 withheld; ended finish (finish called) (`bead log bb-1 --transcript`)");
    const json = JSON.parse((await board.bead(["show", "bb-1", "--json"])).stdout) as { branch: string; work: Array<Record<string, unknown>> };
    expect(json.branch).toBe("bead/bb-1");
    expect(json.work).toEqual([expect.objectContaining({ attempt: 1, steps: 4, toolCalls: 4, refusals: 2 })]);
    const untouched = await board.bead(["show", "bb-2"]);
    expect(untouched.stdout).not.toContain("work:");
    expect(JSON.parse((await board.bead(["show", "bb-2", "--json"])).stdout)).not.toHaveProperty("work");
  });

  it("stats counts tool calls, refusals and steps per bead", async () => {
    await workedAttempt(2, [call("list_files", { path: "src" }), call("finish", { result: "Listed.", outcome: "done" })]);
    const json = JSON.parse((await board.bead(["stats", "--json"])).stdout) as { tools: Record<string, unknown> };
    expect(json.tools).toMatchObject({
      attempts: 2,
      steps: 6,
      toolCalls: 6,
      byTool: { read_file: 2, shell: 1, finish: 2, list_files: 1 },
      refusals: 2,
      stops: { finish: 2 },
      stepsPerAttempt: { count: 2, p50: 2, p95: 4 },
      beads: [{ bead: "bb-1", attempts: 2, steps: 6, toolCalls: 6, refusals: 2, errors: 0, gateBlocks: 0, lastStop: "finish" }],
    });
    const text = (await board.bead(["stats"])).stdout;
    expect(text).toContain("Acting agents: 2 attempt(s) on 1 bead(s); steps per tool-loop attempt p50 2, p95 4");
    expect(text).toContain("  6 tool call(s) (finish 2, read_file 2, list_files 1, shell 1); 2 refused, 0 failed, 0 withheld by the gate");
    expect(text).toMatch(/ {2}bb-1 {2} {4}2 {2} {4}6 {2} {4}6 {2} {6}2 {2} {5}0 {2} {7}0 {2}finish/);
  });
});
