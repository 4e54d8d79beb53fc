import { afterEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard, type CliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const SRC = "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\n";

/** A board with src/app.txt, and bead/a made with the git CLI: `edit` runs on the branch. */
async function boardWithWorkBranch(edit: (board: CliBoard) => void): Promise<CliBoard> {
  const board = await cliBoard({ "beads/a.md": beadText(["title: A"]), "src/app.txt": SRC });
  board.git(["checkout", "-q", "-b", "bead/a"]);
  edit(board);
  board.git(["add", "-A"]);
  board.git(["commit", "-qm", "agent work on a"]);
  board.git(["checkout", "-q", "main"]);
  return board;
}

const changeLine1 = (board: CliBoard) => board.write("src/app.txt", SRC.replace("line 1", "line one"));

describe("bead diff", () => {
  it("shows the diffstat and patch of bead/<id> against its fork point, not against main's later commits", async () => {
    const board = await boardWithWorkBranch((b) => {
      changeLine1(b);
      b.write("src/new.txt", "hello\n");
    });
    board.write("src/other.txt", "made on main after the fork\n");
    board.git(["add", "-A"]);
    board.git(["commit", "-qm", "main moves on"]);
    const run = await board.bead(["diff", "a"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(" src/app.txt | +1 -1");
    expect(run.stdout).toContain(" src/new.txt | +1 -0 (added)");
    expect(run.stdout).toContain("2 files changed, 2 insertions(+), 1 deletion(-)");
    expect(run.stdout).toContain("-line 1\n+line one\n line 2");
    expect(run.stdout).not.toContain("other.txt");
    const stat = await board.bead(["diff", "a", "--stat"]);
    expect(stat.stdout).not.toContain("+line one");
    const parsed = JSON.parse((await board.bead(["diff", "a", "--json"])).stdout) as { name: string; stat: { path: string; added: number }[] };
    expect(parsed.name).toBe("bead/a");
    expect(parsed.stat.map((entry) => [entry.path, entry.added])).toEqual([["src/app.txt", 1], ["src/new.txt", 1]]);
  });

  it("exits 2 with a clear error when there is no bead/<id> branch", async () => {
    const board = await cliBoard({ "beads/a.md": beadText(["title: A"]) });
    const run = await board.bead(["diff", "a"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no branch bead/a");
  });
});

describe("bead merge", () => {
  it("fast-forwards when main has not moved, updates the checkout and deletes the branch", async () => {
    const board = await boardWithWorkBranch(changeLine1);
    const work = board.git(["rev-parse", "bead/a"]).trim();
    const run = await board.bead(["merge", "a"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("main fast-forwarded to bead/a");
    expect(board.git(["rev-parse", "HEAD^"]).trim()).toBe(work);
    expect(board.read("beads/a.md")).toContain(`merged: ${work}`);
    expect(board.read("src/app.txt")).toContain("line one");
    expect(board.git(["status", "--porcelain"])).toBe("");
    expect(board.git(["branch", "--list", "bead/a"])).toBe("");
  });

  it("makes a merge commit when main moved, keeping the person's unrelated unsaved edit", async () => {
    const board = await boardWithWorkBranch(changeLine1);
    board.write("src/app.txt", SRC.replace("line 9", "line nine"));
    board.git(["commit", "-qam", "main edits line 9"]);
    const before = board.head();
    board.write("beads/a.md", beadText(["title: A, unsaved"]));
    const run = await board.bead(["merge", "a", "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: "merge-commit", files: ["src/app.txt"], branchKept: null, recorded: null });
    expect(run.stderr).toContain("beads/a.md has unsaved edits, so merged: was not noted on it");
    expect(board.git(["rev-parse", "HEAD^1"]).trim()).toBe(before);
    expect(board.read("src/app.txt")).toBe(SRC.replace("line 1", "line one").replace("line 9", "line nine"));
    expect(board.read("beads/a.md")).toContain("A, unsaved");
    expect(board.git(["status", "--porcelain"]).trim()).toBe("M beads/a.md");
  });

  it("refuses a conflict by naming the files, changing nothing", async () => {
    const board = await boardWithWorkBranch(changeLine1);
    board.write("src/app.txt", SRC.replace("line 1", "line uno"));
    board.git(["commit", "-qam", "main edits line 1 too"]);
    const head = board.head();
    const files = board.snapshot();
    const index = board.git(["ls-files", "-s"]);
    const run = await board.bead(["merge", "a"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("bead/a conflicts with the board's branch in src/app.txt; nothing was changed");
    expect(board.head()).toBe(head);
    expect(board.snapshot()).toEqual(files);
    expect(board.git(["ls-files", "-s"])).toBe(index);
    expect(board.git(["branch", "--list", "bead/a"]).trim()).toBe("bead/a");
  });

  it("refuses when a file the merge changes has uncommitted edits, changing nothing", async () => {
    const board = await boardWithWorkBranch(changeLine1);
    board.write("src/app.txt", `${SRC}my unsaved line\n`);
    const head = board.head();
    const run = await board.bead(["merge", "a"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("src/app.txt: changed here and not committed");
    expect(board.head()).toBe(head);
    expect(board.read("src/app.txt")).toBe(`${SRC}my unsaved line\n`);
    expect(board.git(["branch", "--list", "bead/a"]).trim()).toBe("bead/a");
  });

  it("refuses to overwrite an untracked file the branch adds", async () => {
    const board = await boardWithWorkBranch((b) => b.write("src/new.txt", "from the agent\n"));
    board.write("src/new.txt", "mine, not committed\n");
    const run = await board.bead(["merge", "a"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("src/new.txt: changed here and not committed");
    expect(board.read("src/new.txt")).toBe("mine, not committed\n");
  });

  it("a branch already contained in main is only deleted", async () => {
    const board = await cliBoard({ "beads/a.md": beadText(["title: A"]) });
    board.git(["branch", "bead/a", "HEAD"]);
    board.write("beads/b.md", beadText(["title: B"]));
    board.git(["add", "-A"]);
    board.git(["commit", "-qm", "main moves on"]);
    const run = await board.bead(["merge", "a", "--json"]);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: "already-merged", files: [], branchKept: null });
    expect(board.git(["branch", "--list", "bead/a"])).toBe("");
  });

  it("merges a branch still checked out in an agent's worktree, and says why the branch is kept", async () => {
    const board = await boardWithWorkBranch(changeLine1);
    board.git(["worktree", "add", "-q", ".git/beadboard/worktrees/a", "bead/a"]);
    const run = await board.bead(["merge", "a"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/bead\/a kept: .*(checked out|used by worktree)/);
    expect(board.read("src/app.txt")).toContain("line one");
  });

  it("exits 2 when there is no bead/<id> branch", async () => {
    const board = await cliBoard({ "beads/a.md": beadText(["title: A"]) });
    const run = await board.bead(["merge", "a"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("work branch not found: bead/a");
  });
});
