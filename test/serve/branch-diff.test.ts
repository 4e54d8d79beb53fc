import { afterEach, describe, expect, it } from "vitest";
import { boardPaths } from "../../src/board/paths.js";
import { branchDiff, lineDiff } from "../../src/serve/branch-diff.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

describe("lineDiff", () => {
  it("shows changes with three lines of context and counts the lines left out", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n") + "\n";
    const after = before.replace("line 10\n", "line ten\n");
    expect(lineDiff(before, after)).toEqual(["…7 unchanged lines", " line 7", " line 8", " line 9", "-line 10", "+line ten", " line 11", " line 12", " line 13", "…6 unchanged lines"]);
    expect(lineDiff("", "a\nb\n")).toEqual(["+a", "+b"]);
  });
});

describe("branchDiff", () => {
  it("is null without a bead/<id> branch, and diffs the branch against its merge base", async () => {
    const board = await makeTempBoard({ "beads/a.md": beadText(["title: A", "status: open"], ""), "src/app.txt": "one\ntwo\n" });
    const paths = boardPaths(board.dir);
    expect(await branchDiff(paths, "a")).toBeNull();
    board.git(["checkout", "-q", "-b", "bead/a"]);
    board.write("src/app.txt", "one\n2\n");
    board.write("src/new.bin", "x\u0000y");
    board.git(["add", "-A"]);
    board.git(["commit", "-qm", "work"]);
    board.git(["checkout", "-q", "main"]);
    board.write("other.txt", "main moved on\n"); // a change on main after the branch left it is not the branch's
    board.git(["add", "-A"]);
    board.git(["commit", "-qm", "main"]);
    const diff = await branchDiff(paths, "a");
    expect(diff?.files).toEqual([
      { path: "src/app.txt", change: "modified", lines: [" one", "-two", "+2"] },
      { path: "src/new.bin", change: "added", lines: null },
    ]);
    expect(diff?.truncated).toBe(false);
  });
});
