/**
 * The exec runner on the workspace module, end to end with the CLI: an outside harness (a real
 * node child) edits a file in the bead's worktree, the change is committed on bead/<id>,
 * `bead diff` shows it and `bead merge` brings it into the person's checkout.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { runExec } from "../../src/harness/exec-runner.js";
import { commitWorkspace, openWorkspace, removeWorkspace } from "../../src/workspace/workspace.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "../cli/support.js";

afterEach(cleanupTempBoards);

it("an exec harness's edit in the workspace goes through bead diff and bead merge into the checkout", async () => {
  const board = await cliBoard({ "beads/a.md": beadText(["title: A"]), "src/app.txt": "old\n" });
  // Outside the checkout (so not part of the change) and removed with the board.
  const harness = join(board.dir, ".git", "harness.mjs");
  writeFileSync(harness, `import { writeFileSync } from "node:fs"; let p = ""; process.stdin.on("data", (c) => (p += c)); process.stdin.on("end", () => { writeFileSync("src/app.txt", "new: " + p + "\\n"); console.log("edited src/app.txt"); });`);
  const ws = await openWorkspace({ repoDir: board.dir, beadId: "a" });
  const outcome = await runExec({ command: [process.execPath, harness], prompt: "make it new", beadId: "a", workspace: ws.dir, env: { PATH: process.env.PATH }, timeoutMs: 30_000 });
  expect(outcome).toMatchObject({ status: "done", result: "edited src/app.txt\n" });
  expect(board.read("src/app.txt")).toBe("old\n");
  const commit = await commitWorkspace(ws, { author: { name: "exec agent", email: "exec@agents.test" }, message: "a: make it new" });
  expect(commit?.branch).toBe("bead/a");
  await removeWorkspace(ws);

  const diff = await board.bead(["diff", "a"]);
  expect(diff.stdout).toContain("-old\n+new: make it new");
  const merged = await board.bead(["merge", "a"]);
  expect(merged.code).toBe(0);
  expect(board.read("src/app.txt")).toBe("new: make it new\n");
  expect(board.git(["status", "--porcelain"])).toBe("");
});
