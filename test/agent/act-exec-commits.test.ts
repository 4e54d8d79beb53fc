/**
 * `provider: exec` through the worker, a harness that commits by itself (as Aider does unless told
 * not to): its commits are the work on done, and go with the branch on failure.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { workBead } from "../../src/agent/worker.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { execBoard } from "./exec-support.js";
import { bead, workerEnvFor } from "./support.js";

afterEach(cleanupTempBoards);

const worktrees = (dir: string) => (existsSync(join(dir, ".git", "beadboard", "worktrees")) ? readdirSync(join(dir, ".git", "beadboard", "worktrees")) : []);

describe("provider: exec, a harness that commits", () => {
  it("a harness that commits by itself (as Aider does): its commits are the work, the branch is recorded", async () => {
    const { board } = await execBoard("commit");
    expect(await workBead(await workerEnvFor(board.dir, "outside"), "bb-1", new AbortController().signal)).toBe("done");
    const done = bead(board.dir, "bb-1");
    expect(done.fields.branch).toBe("bead/bb-1");
    expect(done.body).toContain("committed the fix");
    expect(done.body).toContain("src/app.txt | 2 +-");
    expect(board.git(["log", "-1", "--format=%an|%s", "bead/bb-1"]).trim()).toBe("aider|fix app");
    expect(board.read("src/app.txt")).toBe("broken\n");
    expect(worktrees(board.dir)).toEqual([]);
  });

  it("a harness that commits and then fails: its commits go with the branch", async () => {
    const { board } = await execBoard("commit-fail");
    expect(await workBead(await workerEnvFor(board.dir, "outside"), "bb-1", new AbortController().signal)).toBe("failed");
    expect(board.git(["branch", "--list", "bead/*"])).toBe("");
    expect(worktrees(board.dir)).toEqual([]);
  });
});
