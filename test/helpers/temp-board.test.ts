import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { GitCommandError, cleanupTempBoards, gitEnv, makeTempBoard } from "./temp-board.js";

afterEach(cleanupTempBoards);

describe("makeTempBoard", () => {
  it("builds a committed repo from a file tree", async () => {
    const board = await makeTempBoard({ "beads/a.md": "---\ntitle: A\n---\n", "README.md": "hi\n" });
    expect(board.git(["rev-parse", "--abbrev-ref", "HEAD"]).trim()).toBe("main");
    expect(board.git(["ls-files"]).trim().split("\n").sort()).toEqual(["README.md", "beads/a.md"]);
    expect(board.git(["status", "--porcelain"])).toBe("");
    expect(board.git(["log", "-1", "--format=%an <%ae>"]).trim()).toBe("Test Author <author@beadboard.test>");
    expect(board.read("beads/a.md")).toBe("---\ntitle: A\n---\n");
  });

  it("can skip the commit and use another branch", async () => {
    const board = await makeTempBoard({ "a.md": "a\n" }, { commit: false, branch: "trunk" });
    expect(board.git(["symbolic-ref", "HEAD"]).trim()).toBe("refs/heads/trunk");
    expect(board.git(["status", "--porcelain"]).trim()).toBe("?? a.md");
    expect(() => board.git(["rev-parse", "--verify", "HEAD"])).toThrow(GitCommandError);
  });

  it("writes nested files, keeps paths inside the board, and throws with stderr", async () => {
    const board = await makeTempBoard();
    board.write("memory/deep/x.md", "x\n");
    expect(board.read("memory/deep/x.md")).toBe("x\n");
    expect(() => board.write("../escape.md", "no")).toThrow(/escapes/);
    expect(() => board.git(["no-such-command"])).toThrow(/not a git command/);
    expect(await board.gitAsync(["rev-list", "--count", "HEAD"])).toBe("1\n");
  });

  it("cleans up idempotently", async () => {
    const board = await makeTempBoard();
    expect(existsSync(board.dir)).toBe(true);
    await board.cleanup();
    await board.cleanup();
    expect(existsSync(board.dir)).toBe(false);
  });

  it("gives git an identity and no pager", () => {
    const env = gitEnv();
    expect(env.GIT_AUTHOR_NAME).toBeTruthy();
    expect(env.GIT_COMMITTER_EMAIL).toBeTruthy();
    expect(env.GIT_CONFIG_NOSYSTEM).toBe("1");
    expect(env.GIT_PAGER).toBe("cat");
    expect(env.GIT_DIR).toBeUndefined();
  });
});
