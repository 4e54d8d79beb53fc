/**
 * An acting agent end to end through the worker (`bead up --once` in process): a scripted
 * tool-calling Ollama double lists, reads, runs the failing `node --test`, edits, runs it again and
 * finishes. The fix lands on bead/<id> only; the person's checkout stays as it was; `bead merge`
 * brings it home.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import { cleanupTempBoards, makeTempBoard, runGit, type TempBoard } from "../helpers/temp-board.js";
import { bead, chats, metrics, superviseOnce, testEnv } from "../agent/support.js";
import { FIXED, PROJECT, actingAgent, checkoutSnapshot, fixBead, fixScript, personAtWork, worktrees } from "./act-support.js";

let double: OllamaDouble;
const scratch: string[] = [];
beforeEach(async () => {
  double = await startOllamaDouble();
});
afterEach(async () => {
  await double.close();
  await cleanupTempBoards();
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const TOOLS = ["list_files", "read_file", "edit_file", "run"];

/** `node --test` in a fresh clone of `branch`: the exit code and output. */
async function testsOnBranch(repo: string, branch: string): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), "beadboard-check-"));
  scratch.push(dir);
  await runGit(tmpdir(), ["clone", "-q", "--branch", branch, repo, dir]);
  return new Promise((resolve) => {
    execFile(process.execPath, ["--test"], { cwd: dir, env: { PATH: process.env.PATH ?? "" } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: stdout + stderr });
    });
  });
}

/** The tool results the model was shown, in order (from the double's record of what it received). */
function toolResultsSeen(): string[] {
  const last = chats(double).at(-1)?.body as { messages: Array<{ role: string; content: string }> };
  return last.messages.filter((m) => m.role === "tool").map((m) => m.content);
}

async function expectDoneOnBranch(board: TempBoard, repo: TempBoard): Promise<string> {
  const done = bead(board.dir, "bb-fix");
  expect(done.fields.status).toBe("done");

  const text = board.read("beads/bb-fix.md");
  expect(text).toMatch(/^branch: bead\/bb-fix$/m);
  const commit = repo.git(["rev-parse", "bead/bb-fix"]).trim();
  expect(done.body).toContain("Fixed sum: it subtracted.");
  const where = repo === board ? "" : ` in ${repo.dir}`;
  expect(done.body).toContain(`Branch \`bead/bb-fix\`${where}, commit ${commit.slice(0, 12)}`);
  expect(done.body).toMatch(/sum\.mjs \| 2 \+-/);
  expect(repo.git(["show", "bead/bb-fix:sum.mjs"])).toBe(FIXED);
  expect(repo.git(["log", "-1", "--format=%an %s", "bead/bb-fix"]).trim()).toBe("codemonkey bb-fix: Make the sum test pass");
  const tests = await testsOnBranch(repo.dir, "bead/bb-fix");
  expect(tests.output).toContain("pass 1");
  expect(tests.code).toBe(0);
  // What the model saw: the failing run, then the passing one.
  const seen = toolResultsSeen();
  expect(seen[0]).toContain("sum.mjs");
  expect(seen[1]).toContain("return a - b;");
  expect(seen[2]).toMatch(/exit code 1[\s\S]*fail 1/);
  expect(seen[4]).toMatch(/exit code 0[\s\S]*pass 1/);
  // No worktree is left behind.
  expect(worktrees(repo)).toEqual([repo.dir]);
  expect(existsSync(join(repo.dir, ".git", "beadboard", "worktrees", "bb-fix"))).toBe(false);
  return commit;
}

describe("acting agent through the worker", () => {
  it("fixes a failing node --test in the board's own repository on bead/<id>, and bead merge brings it home", async () => {
    const board = await makeTempBoard({ "agents/codemonkey.md": actingAgent("codemonkey", double.url, TOOLS), ...fixBead(), ...PROJECT });
    personAtWork(board);
    const code = ["sum.mjs", "sum.test.mjs", "scratch.txt"];
    const before = checkoutSnapshot(board, code).split("\n").slice(1).join("\n"); // HEAD moves with the board's own commits
    const head = board.git(["rev-parse", "HEAD"]).trim();
    const indexBefore = board.git(["ls-files", "--stage"]);
    double.setReplies(fixScript().map((reply) => ({ ...reply, promptTokens: 100, evalTokens: 10 })));

    const { outcomes, logs } = await superviseOnce(board.dir);
    expect(outcomes, logs.join("\n")).toEqual({ codemonkey: { done: 1 } });
    await expectDoneOnBranch(board, board);
    expect(bead(board.dir, "bb-fix").fields).toMatchObject({ model: "qwen3:8b", tokens: { in: 600, out: 60 } }); // six model calls, summed
    // The board's commits touch the bead file only; the code, index entries, stash and files are the person's.
    expect(board.git(["diff", "--name-only", head, "HEAD"]).trim()).toBe("beads/bb-fix.md");
    expect(checkoutSnapshot(board, code).split("\n").slice(1).join("\n").replace(/^[0-9a-f]{64}$/m, "")).toBe(before.replace(/^[0-9a-f]{64}$/m, ""));
    expect(board.read("sum.mjs")).toBe(PROJECT["sum.mjs"]);
    // Every index entry but the bead file's is the person's, byte for byte.
    const stagedCode = (text: string) => text.split("\n").filter((line) => !line.endsWith("\tbeads/bb-fix.md")).join("\n");
    expect(stagedCode(board.git(["ls-files", "--stage"]))).toBe(stagedCode(indexBefore));
    expect(metrics(board.dir).filter((m) => m.event === "guardrail")).toEqual([]);

    const merged = await runCli(["merge", "bb-fix"], { cwd: board.dir, env: testEnv() });
    expect(merged.stderr).toBe("");
    expect(merged.code).toBe(0);
    expect(board.read("sum.mjs")).toBe(FIXED);
    expect(board.git(["branch", "--list", "bead/*"]).trim()).toBe("");
    expect(board.read("sum.test.mjs")).toContain("the person's unsaved comment");
  });

  it("works a `workspace:` repository: the other repo gets the branch, both checkouts stay byte-identical", async () => {
    const repo = await makeTempBoard(PROJECT);
    const board = await makeTempBoard({ "agents/codemonkey.md": actingAgent("codemonkey", double.url, TOOLS, [`workspace: ${repo.dir}`]), ...fixBead() });
    personAtWork(repo);
    const code = ["sum.mjs", "sum.test.mjs", "scratch.txt"];
    const before = checkoutSnapshot(repo, code);
    double.setReplies(fixScript());

    const { outcomes, logs } = await superviseOnce(board.dir);
    expect(outcomes, logs.join("\n")).toEqual({ codemonkey: { done: 1 } });
    await expectDoneOnBranch(board, repo);
    expect(checkoutSnapshot(repo, code)).toBe(before);
    expect(board.git(["branch", "--list", "bead/*"]).trim()).toBe("");
    expect(worktrees(board)).toEqual([board.dir]);
  });
});
