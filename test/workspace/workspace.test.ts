/** Per-bead worktrees on real git repositories: open, commit, remove; the person's checkout untouched. */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GitError } from "../../src/errors.js";
import { commitWorkspace, openWorkspace, removeWorkspace } from "../../src/workspace/workspace.js";
import { cleanupTempBoards, makeTempBoard, type TempBoard } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

const author = { name: "codemonkey", email: "codemonkey@beadboard.local" };

/** Everything of the person's checkout a workspace must not change. */
function snapshot(board: TempBoard): string {
  const index = createHash("sha256").update(readFileSync(join(board.dir, ".git", "index"))).digest("hex");
  return [board.git(["rev-parse", "HEAD"]), board.git(["symbolic-ref", "HEAD"]), board.git(["status", "--porcelain", "-uall"]), board.git(["stash", "list"]), index, board.read("app.js")].join("\n");
}

describe("workspace", () => {
  it("opens a worktree on bead/<id> under .git, commits the agent's change there and leaves the checkout as it was", async () => {
    const board = await makeTempBoard({ "app.js": "export const x = 1;\n" });
    board.write("app.js", "export const x = 'unsaved edit';\n"); // the person's work in progress
    board.write("notes.txt", "untracked\n");
    const before = snapshot(board);

    const ws = await openWorkspace({ repoDir: board.dir, beadId: "b-1" });
    expect(ws.dir).toBe(join(board.dir, ".git", "beadboard", "worktrees", "b-1"));
    expect(ws.branch).toBe("bead/b-1");
    expect(readFileSync(join(ws.dir, "app.js"), "utf8")).toBe("export const x = 1;\n");
    writeFileSync(join(ws.dir, "app.js"), "export const x = 2;\n");
    writeFileSync(join(ws.dir, "new.js"), "export {};\n");

    const done = await commitWorkspace(ws, { author, message: "b-1: fix x" });
    expect(done).not.toBeNull();
    expect(done?.diffstat).toContain("2 files changed");
    expect(board.git(["log", "-1", "--format=%an <%ae> %s", "bead/b-1"]).trim()).toBe("codemonkey <codemonkey@beadboard.local> b-1: fix x");
    expect(board.git(["rev-parse", "bead/b-1"]).trim()).toBe(done?.commit);
    expect(snapshot(board)).toBe(before);

    expect(await removeWorkspace(ws)).toEqual({ branchDeleted: false });
    expect(existsSync(ws.dir)).toBe(false);
    expect(board.git(["worktree", "list", "--porcelain"])).not.toContain("b-1");
    expect(board.git(["show", "bead/b-1:app.js"])).toBe("export const x = 2;\n");
    expect(snapshot(board)).toBe(before);
  });

  it("nothing changed: commit is null and removing deletes the empty branch", async () => {
    const board = await makeTempBoard({ "app.js": "x\n" });
    const ws = await openWorkspace({ repoDir: board.dir, beadId: "b-2" });
    expect(await commitWorkspace(ws, { author, message: "nothing" })).toBeNull();
    expect(await removeWorkspace(ws)).toEqual({ branchDeleted: true });
    expect(board.git(["branch", "--list", "bead/*"]).trim()).toBe("");
  });

  it("reopens after a crashed attempt, keeping the branch's earlier commit", async () => {
    const board = await makeTempBoard({ "app.js": "x\n" });
    const first = await openWorkspace({ repoDir: board.dir, beadId: "b-3" });
    writeFileSync(join(first.dir, "app.js"), "y\n");
    await commitWorkspace(first, { author, message: "first" });
    writeFileSync(join(first.dir, "app.js"), "half-done\n"); // the crash leaves this behind
    const again = await openWorkspace({ repoDir: board.dir, beadId: "b-3" });
    expect(readFileSync(join(again.dir, "app.js"), "utf8")).toBe("y\n");
    await removeWorkspace(again);
  });

  it("works in another local repository and refuses ids that are not safe branch names", async () => {
    const board = await makeTempBoard({});
    const other = await makeTempBoard({ "lib.js": "1\n" });
    const ws = await openWorkspace({ repoDir: other.dir, beadId: "b-4" });
    expect(ws.dir.startsWith(join(other.dir, ".git"))).toBe(true);
    expect(board.git(["branch", "--list", "bead/*"]).trim()).toBe("");
    await removeWorkspace(ws);
    for (const id of ["../x", "a b", "-rf", "x/../../y", ""]) {
      await expect(openWorkspace({ repoDir: board.dir, beadId: id })).rejects.toBeInstanceOf(GitError);
    }
  });

  it("runs none of the repository's hooks (post-checkout on worktree add, pre-commit and post-commit on commit)", async () => {
    const board = await makeTempBoard({ "app.js": "x\n" });
    const marker = join(board.dir, "..", `hook-ran-${Date.now()}`);
    for (const hook of ["post-checkout", "pre-commit", "post-commit"]) {
      writeFileSync(join(board.dir, ".git", "hooks", hook), `#!/bin/sh\necho ${hook} >> "${marker}"\n`, { mode: 0o755 });
    }
    board.git(["checkout", "-q", "-b", "probe"]); // the hooks do run for a person's own git commands
    expect(readFileSync(marker, "utf8")).toBe("post-checkout\n");
    board.git(["checkout", "-q", "main"]);
    rmSync(marker);
    const ws = await openWorkspace({ repoDir: board.dir, beadId: "b-5" });
    writeFileSync(join(ws.dir, "app.js"), "y\n");
    expect(await commitWorkspace(ws, { author, message: "no hooks" })).not.toBeNull();
    await removeWorkspace(ws);
    expect(existsSync(marker)).toBe(false);
  });
});
