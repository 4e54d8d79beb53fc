import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commitPaths } from "../../src/git/commit-paths.js";
import { compareAndSwapRef, currentBranchRef, readRef } from "../../src/git/refs.js";
import { GitError, RefMovedError } from "../../src/errors.js";
import { cleanupTempBoards, makeTempBoard, type TempBoard } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

const AUTHOR = { name: "t", email: "t@example.test" };
const gitdirOf = (board: TempBoard) => join(board.dir, ".git");
const rev = (board: TempBoard, what: string) => board.git(["rev-parse", what]).trim();

/** A board with two commits on main, so that there is an older commit to point refs at. */
async function twoCommits(): Promise<{ board: TempBoard; first: string; second: string }> {
  const board = await makeTempBoard({ "a.md": "a\n" });
  const first = rev(board, "HEAD");
  board.write("a.md", "b\n");
  await board.gitAsync(["commit", "-q", "-am", "second"]);
  return { board, first, second: rev(board, "HEAD") };
}

const update = (board: TempBoard, expected: string | null, next: string, ref = "refs/heads/main") => ({
  gitdir: gitdirOf(board),
  ref,
  expected,
  next,
  message: "test: move",
  committer: "t <t@example.test>",
});

describe("currentBranchRef", () => {
  it("names the branch HEAD points at, even before its first commit", async () => {
    const board = await makeTempBoard({}, { commit: false, branch: "trunk" });
    expect(currentBranchRef(gitdirOf(board))).toBe("refs/heads/trunk");
    expect(readRef(gitdirOf(board), "refs/heads/trunk")).toBeNull();
  });

  it("refuses a detached HEAD with a clear GitError, and commitPaths commits nothing", async () => {
    const { board, first } = await twoCommits();
    await board.gitAsync(["checkout", "-q", "--detach", first]);
    expect(() => currentBranchRef(gitdirOf(board))).toThrow(GitError);
    expect(() => currentBranchRef(gitdirOf(board))).toThrow(/HEAD is detached; check out a branch/);
    const attempt = commitPaths({ root: board.dir, gitdir: gitdirOf(board), changes: [{ path: "x.md", content: "x\n" }], message: "x", author: AUTHOR });
    await expect(attempt).rejects.toThrow(/HEAD is detached/);
    expect(rev(board, "HEAD")).toBe(first);
    expect(existsSync(join(gitdirOf(board), "index.lock"))).toBe(false);
  });
});

describe("readRef", () => {
  it("reads loose refs, packed refs (skipping peeled tag lines), and symbolic refs", async () => {
    const { board, second } = await twoCommits();
    const gitdir = gitdirOf(board);
    expect(readRef(gitdir, "refs/heads/main")).toBe(second);
    await board.gitAsync(["tag", "-a", "-m", "annotated", "v1"]);
    await board.gitAsync(["pack-refs", "--all", "--prune"]);
    expect(existsSync(join(gitdir, "refs/heads/main"))).toBe(false);
    expect(readFileText(board, "packed-refs")).toMatch(/^\^[0-9a-f]{40}$/m);
    expect(readRef(gitdir, "refs/heads/main")).toBe(second);
    expect(readRef(gitdir, "refs/tags/v1")).toBe(rev(board, "refs/tags/v1"));
    expect(readRef(gitdir, "HEAD")).toBe(second);
    expect(readRef(gitdir, "refs/heads/nope")).toBeNull();
  });
});

function readFileText(board: TempBoard, rel: string): string {
  return board.read(join(".git", rel));
}

describe("compareAndSwapRef", () => {
  it("advances the ref when it still points where the writer read it, and logs it", async () => {
    const { board, first, second } = await twoCommits();
    await compareAndSwapRef(update(board, second, first));
    expect(rev(board, "main")).toBe(first);
    expect(board.git(["reflog", "-1", "--format=%H %gs", "main"]).trim()).toBe(`${first} test: move`);
  });

  it("refuses with RefMovedError when the ref moved, changing nothing and leaving no lock", async () => {
    const { board, first, second } = await twoCommits();
    const attempt = compareAndSwapRef(update(board, first, first));
    await expect(attempt).rejects.toThrow(RefMovedError);
    await expect(attempt).rejects.toMatchObject({ expected: first, actual: second, ref: "refs/heads/main" });
    expect(rev(board, "main")).toBe(second);
    expect(existsSync(join(gitdirOf(board), "refs/heads/main.lock"))).toBe(false);
    // A writer that believes the branch does not exist yet must not overwrite it either.
    await expect(compareAndSwapRef(update(board, null, first))).rejects.toThrow(RefMovedError);
    expect(rev(board, "main")).toBe(second);
  });

  it("creates a ref that does not exist yet", async () => {
    const { board, first } = await twoCommits();
    await compareAndSwapRef(update(board, null, first, "refs/heads/topic/new"));
    expect(rev(board, "topic/new")).toBe(first);
  });

  it("moves a ref that lives only in packed-refs, as git sees it", async () => {
    const { board, first, second } = await twoCommits();
    await board.gitAsync(["pack-refs", "--all", "--prune"]);
    await compareAndSwapRef(update(board, second, first));
    expect(rev(board, "main")).toBe(first);
    expect(board.git(["fsck", "--strict", "--no-dangling"])).not.toMatch(/error|bad/i);
  });

  it("respects git's own ref lock: waits, then fails with a clear GitError", async () => {
    const { board, first, second } = await twoCommits();
    const lock = join(gitdirOf(board), "refs/heads/main.lock");
    writeFileSync(lock, "");
    // A clock that moves 1 s per pause: the 5 s default wait is over after a handful of tries, at once.
    let clock = 0;
    let pauses = 0;
    const lockWait = { now: () => clock, pause: async (ms: number) => { pauses++; clock += 1000 + ms; } };
    await expect(compareAndSwapRef({ ...update(board, second, first), lockWait })).rejects.toThrow(/main\.lock exists: another git process/);
    expect(pauses).toBe(5);
    expect(existsSync(lock)).toBe(true);
    expect(rev(board, "main")).toBe(second);
  });
});

describe("commitPaths on packed refs", () => {
  it("commits on top of a branch that git has packed", async () => {
    const { board, second } = await twoCommits();
    await board.gitAsync(["pack-refs", "--all", "--prune"]);
    board.write("beads/a.md", "---\ntitle: A\n---\n");
    const result = await commitPaths({ root: board.dir, gitdir: gitdirOf(board), changes: [{ path: "beads/a.md", content: "---\ntitle: A\n---\n" }], message: "new a", author: AUTHOR });
    expect(result?.parent).toBe(second);
    expect(rev(board, "main")).toBe(result?.oid);
    expect(board.git(["log", "--format=%s"]).trim().split("\n")).toEqual(["new a", "second", "initial board"]);
    expect(board.git(["status", "--porcelain"])).toBe("");
  });
});
