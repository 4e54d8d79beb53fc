/**
 * `provider: exec` through the worker (workBead, as `bead up` runs it): a real child process
 * acting as an outside harness works the bead in its own worktree; its stdout is the result, its
 * edit is committed on bead/<id> as the agent; a failure leaves no worktree and no branch.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { workBead } from "../../src/agent/worker.js";
import { runCli } from "../helpers/cli.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { execBoard } from "./exec-support.js";
import { bead, logs, metrics, workerEnvFor } from "./support.js";

afterEach(cleanupTempBoards);

const worktrees = (dir: string) => (existsSync(join(dir, ".git", "beadboard", "worktrees")) ? readdirSync(join(dir, ".git", "beadboard", "worktrees")) : []);
const transcript = (dir: string) =>
  readFileSync(join(dir, ".git", "beadboard", "transcripts", "bb-1", "1.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("provider: exec through the worker", () => {
  it("the harness edits its worktree; the change is committed on bead/<id> as the agent, stdout is the result", async () => {
    const { board, seen } = await execBoard("edit");
    const head = board.git(["rev-parse", "HEAD"]).trim();
    const outcome = await workBead(await workerEnvFor(board.dir, "outside"), "bb-1", new AbortController().signal);

    expect(outcome).toBe("done");
    const done = bead(board.dir, "bb-1");
    expect(done.fields).toMatchObject({ status: "done", branch: "bead/bb-1" });
    expect(done.body).toContain("Changed src/app.txt to say fixed.");
    expect(done.body).toMatch(/Branch `bead\/bb-1`, commit [0-9a-f]{12}/);
    expect(done.body).toContain("src/app.txt | 2 +-");
    // The branch holds the change, authored by the agent; the person's checkout does not.
    expect(board.git(["show", "bead/bb-1:src/app.txt"]).trim()).toBe("fixed");
    expect(board.git(["log", "-1", "--format=%an <%ae>|%s", "bead/bb-1"])).toMatch(/^outside <outside@[^>]+>\|bb-1: Fix the app\n?$/);
    expect(board.git(["merge-base", "bead/bb-1", head]).trim()).toBe(head);
    expect(board.read("src/app.txt")).toBe("broken\n");
    expect(board.git(["status", "--porcelain"])).toBe("");
    expect(worktrees(board.dir)).toEqual([]);

    // The harness ran in the worktree with the placeholders filled; the prompt file was outside it.
    const argv = JSON.parse(readFileSync(join(seen, "argv.json"), "utf8")) as { cwd: string; workspace: string; promptFile: string };
    expect(argv.cwd).toBe(argv.workspace);
    expect(argv.workspace).toBe(join(board.dir, ".git", "beadboard", "worktrees", "bb-1"));
    expect(argv.promptFile.startsWith(argv.workspace)).toBe(false);
    expect(existsSync(argv.promptFile)).toBe(false); // removed after the run
    const prompt = readFileSync(join(seen, "prompt.md"), "utf8");
    expect(prompt).toContain("AGENT-PROMPT-MARKER");
    expect(prompt).toContain("# Bead bb-1: Fix the app");
    expect(prompt).toContain("Make src/app.txt say fixed.");
    expect(prompt).not.toContain("Reply with one JSON object"); // a harness prints its summary, not the reply JSON

    const lines = transcript(board.dir);
    expect(lines.map((line) => line.kind)).toEqual(["request", "event", "end"]);
    expect(lines[1]).toMatchObject({ output: "Changed src/app.txt to say fixed.\n" });
    expect(lines[2]).toMatchObject({ stop: "exit", exitCode: 0 });
    // Visible afterwards: bead log --transcript and bead show.
    const log = await runCli(["log", "bb-1", "--transcript"], { cwd: board.dir });
    expect(log.stdout).toMatch(/^attempt 1 .*: exec .*node\n/);
    expect(log.stdout).toContain("  step 1  output: Changed src/app.txt to say fixed.⏎");
    expect(log.stdout).toContain("  end: exit (exit code 0)");
    expect((await runCli(["show", "bb-1"], { cwd: board.dir })).stdout).toMatch(/ {2}work: attempt 1: exec .*node, ended exit \(exit code 0\)/);
    expect(metrics(board.dir).filter((m) => m.event === "exec")).toEqual([expect.objectContaining({ agent: "outside", bead: "bb-1", ended: "exit", exit_code: 0 })]);
  });

  it("a harness that changes nothing finishes the bead without a branch", async () => {
    const { board } = await execBoard("noop");
    expect(await workBead(await workerEnvFor(board.dir, "outside"), "bb-1", new AbortController().signal)).toBe("done");
    const done = bead(board.dir, "bb-1");
    expect(done.fields.branch).toBeUndefined();
    expect(done.body).toContain("nothing to change");
    expect(done.body).toContain("(No files were changed.)");
    expect(board.git(["branch", "--list", "bead/*"])).toBe("");
  });

  it("a non-zero exit fails the try with the exit code and stderr's last line; its half-done edit and the branch go", async () => {
    const { board } = await execBoard("fail");
    const captured = logs();
    const outcome = await workBead(await workerEnvFor(board.dir, "outside", captured), "bb-1", new AbortController().signal);

    expect(outcome).toBe("failed");
    const failed = bead(board.dir, "bb-1");
    expect(failed.fields.status).toBe("failed");
    expect(failed.fields.branch).toBeUndefined();
    expect(failed.body).toContain("exec node exited with code 3: boom: 2 tests failed");
    expect(board.git(["branch", "--list", "bead/*"])).toBe("");
    expect(worktrees(board.dir)).toEqual([]);
    expect(board.read("src/app.txt")).toBe("broken\n");
    expect(board.git(["status", "--porcelain"])).toBe("");
  });

  it("a program that does not exist fails the try, saying to check command:", async () => {
    const { board } = await execBoard("edit");
    board.write("agents/outside.md", board.read("agents/outside.md").replace(/command: \[[^\n]*\]/, 'command: ["/nonexistent/harness", "{prompt_file}"]'));
    board.git(["commit", "-qam", "missing harness"]);
    expect(await workBead(await workerEnvFor(board.dir, "outside"), "bb-1", new AbortController().signal)).toBe("failed");
    expect(bead(board.dir, "bb-1").body).toMatch(/exec harness could not start \(check command: in the agent file and that harness is installed\): .*ENOENT/);
    expect(board.git(["branch", "--list", "bead/*"])).toBe("");
    expect(worktrees(board.dir)).toEqual([]);
  });
});
