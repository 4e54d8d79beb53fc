/**
 * Acting agents and their repositories through the worker: a bad `workspace:` is the agent file's
 * error before any worktree; two beads worked at once get a worktree and a branch each.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { type OllamaDouble } from "../helpers/ollama-double.js";
import { makeTempBoard } from "../helpers/temp-board.js";
import { workBead } from "../../src/agent/worker.js";
import { chats, logs, superviseOnce, testEnv, workerEnvFor, ollamaDoubleOfEachTest } from "../agent/support.js";
import { actingAgent, call, fixBead, worktrees } from "./act-support.js";

let double: OllamaDouble;
ollamaDoubleOfEachTest((started) => (double = started));

const TOOLS = ["list_files", "read_file", "edit_file", "run"];

describe("acting agents and repositories", () => {
  it("a workspace: that is missing, a file or not a repository fails the bead with the agent file's error, and the model is never asked", async () => {
    const other = await makeTempBoard({ "file.txt": "x\n" }, { commit: false });
    rmSync(join(other.dir, ".git"), { recursive: true, force: true });
    const cases: Array<[string, string]> = [
      ["../no-such-repo", "does not exist"],
      [join(other.dir, "file.txt"), "is not a directory"],
      [other.dir, "is not the top of a git repository (it has no .git)"],
    ];
    for (const [workspace, why] of cases) {
      const board = await makeTempBoard({ "agents/codemonkey.md": actingAgent("codemonkey", double.url, TOOLS, [`workspace: ${workspace}`, "max_attempts: 1"]), ...fixBead() });
      const captured = logs();
      expect(await workBead(await workerEnvFor(board.dir, "codemonkey", captured), "bb-fix", new AbortController().signal)).toBe("failed");
      expect(captured.lines.join("\n")).toContain(`agents/codemonkey.md: workspace: `);
      expect(board.read("beads/bb-fix.md")).toContain(`${why}; set workspace: to a local git repository`);
    }
    expect(chats(double)).toEqual([]);
  });

  it("two beads at once (concurrency 2): two worktrees, two branches, each with only its own change; both merge", async () => {
    const board = await makeTempBoard({
      "agents/codemonkey.md": actingAgent("codemonkey", double.url, ["edit_file"], ["concurrency: 2"]),
      "beads/bb-a.md": "---\ntitle: Fix a\nlabels: [code]\n---\nFix a.txt.\n",
      "beads/bb-b.md": "---\ntitle: Fix b\nlabels: [code]\n---\nFix b.txt.\n",
      "a.txt": "a is broken\n",
      "b.txt": "b is broken\n",
    });
    // Each request is answered by the bead it is about and how far that bead's conversation is.
    double.setReplies((request) => {
      const messages = (request.body as { messages: Array<{ role: string; content: string }> }).messages;
      const id = messages.some((m) => m.content.includes("# Bead bb-a:")) ? "a" : "b";
      return messages.some((m) => m.role === "tool")
        ? call("finish", { result: `Fixed ${id}.`, outcome: "done" })
        : call("edit_file", { path: `${id}.txt`, old_text: "broken", new_text: "fixed" });
    });
    const { outcomes, logs } = await superviseOnce(board.dir);
    expect(outcomes, logs.join("\n")).toEqual({ codemonkey: { done: 2 } });
    for (const id of ["a", "b"]) {
      expect(board.git(["diff", "--name-only", "main...bead/bb-" + id]).trim()).toBe(`${id}.txt`);
      expect(board.git(["show", `bead/bb-${id}:${id}.txt`])).toBe(`${id} is fixed\n`);
    }
    expect(worktrees(board)).toEqual([board.dir]);
    for (const id of ["bb-a", "bb-b"]) expect((await runCli(["merge", id], { cwd: board.dir, env: testEnv() })).code).toBe(0);
    expect([board.read("a.txt"), board.read("b.txt")]).toEqual(["a is fixed\n", "b is fixed\n"]);
  });
});
