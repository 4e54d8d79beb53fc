import { chmodSync, existsSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveIdentity } from "../../src/git/author.js";
import { commitPaths, type FileChange } from "../../src/git/commit-paths.js";
import { GitError, RefMovedError } from "../../src/errors.js";
import { cleanupTempBoards, makeTempBoard, type TempBoard } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

const AUTHOR = { name: "Bead Tester", email: "bead@example.test" };

/** Write the files to disk (as the board's writers do) and commit exactly them. */
async function commit(board: TempBoard, changes: FileChange[], message = "bead change") {
  for (const change of changes) {
    if (change.content === null) {
      if (existsSync(join(board.dir, change.path))) unlinkSync(join(board.dir, change.path));
    } else {
      board.write(change.path, String(change.content));
      if (change.executable) chmodSync(join(board.dir, change.path), 0o755);
    }
  }
  return commitPaths({ root: board.dir, gitdir: join(board.dir, ".git"), changes, message, author: AUTHOR });
}

const lines = (text: string) => text.split("\n").filter(Boolean);
const head = (board: TempBoard) => board.git(["rev-parse", "HEAD"]).trim();

function expectFsckClean(board: TempBoard): void {
  const out = board.git(["fsck", "--strict", "--no-dangling"]);
  expect(out).not.toMatch(/error|missing|broken|bad/i);
}

describe("commitPaths", () => {
  it("commits exactly the given paths and never sweeps in what a person staged or left modified", async () => {
    const board = await makeTempBoard({ "README.md": "readme v1\n", "notes.md": "notes v1\n", "beads/a.md": "---\ntitle: A\n---\n" });
    board.write("README.md", "readme v2, staged\n");
    board.write("staged-new.txt", "a new file, staged\n");
    await board.gitAsync(["add", "README.md", "staged-new.txt"]);
    board.write("README.md", "readme v3, not staged\n");
    board.write("notes.md", "notes v2, unsaved to git\n");
    const statusBefore = board.git(["status", "--porcelain"]);

    const result = await commit(board, [{ path: "beads/a.md", content: "---\ntitle: A\nstatus: done\n---\n" }]);

    expect(result?.oid).toBe(head(board));
    expect(lines(board.git(["show", "--name-only", "--format=", "HEAD"]))).toEqual(["beads/a.md"]);
    expect(board.git(["show", "HEAD:README.md"])).toBe("readme v1\n");
    // The person's work is exactly as they left it: staged stays staged, modified stays modified.
    expect(board.git(["status", "--porcelain"])).toBe(statusBefore);
    expect(board.git(["show", ":README.md"])).toBe("readme v2, staged\n");
    expect(board.read("README.md")).toBe("readme v3, not staged\n");
    expect(board.read("notes.md")).toBe("notes v2, unsaved to git\n");
    expect(board.git(["status", "--porcelain", "--", "beads/a.md"])).toBe("");
    expectFsckClean(board);
  });

  it("leaves the index consistent, so the person's next `git commit` neither reverts nor re-commits our change", async () => {
    const board = await makeTempBoard({ "beads/a.md": "---\ntitle: A\n---\n" });
    board.write("mine.txt", "mine\n");
    await board.gitAsync(["add", "mine.txt"]);
    await commit(board, [{ path: "beads/a.md", content: "---\ntitle: A2\n---\n" }]);
    await board.gitAsync(["commit", "-q", "-m", "person's commit"]);
    expect(lines(board.git(["show", "--name-only", "--format=", "HEAD"]))).toEqual(["mine.txt"]);
    expect(board.git(["show", "HEAD:beads/a.md"])).toBe("---\ntitle: A2\n---\n");
    expect(board.git(["status", "--porcelain"])).toBe("");
  });

  it("works in a repository with no commits yet, leaving other files alone", async () => {
    const board = await makeTempBoard({ "untracked.txt": "x\n" }, { commit: false });
    const result = await commit(board, [{ path: "beads/first.md", content: "---\ntitle: First\n---\n" }], "new first");
    expect(result?.parent).toBeNull();
    expect(board.git(["log", "--format=%s", "main"]).trim()).toBe("new first");
    expect(lines(board.git(["ls-tree", "-r", "--name-only", "HEAD"]))).toEqual(["beads/first.md"]);
    expect(board.git(["status", "--porcelain"]).trim()).toBe("?? untracked.txt");
    expectFsckClean(board);
  });

  it("makes no empty commits", async () => {
    const board = await makeTempBoard({ "beads/a.md": "---\ntitle: A\n---\n" });
    const before = head(board);
    expect(await commit(board, [{ path: "beads/a.md", content: "---\ntitle: A\n---\n" }])).toBeNull();
    expect(await commit(board, [{ path: "beads/missing.md", content: null }])).toBeNull();
    expect(head(board)).toBe(before);
    expect(existsSync(join(board.dir, ".git/index.lock"))).toBe(false);
  });

  it("adds nested paths, deletes paths (and emptied folders), and keeps the executable bit", async () => {
    const board = await makeTempBoard({ "beads/a.md": "---\ntitle: A\n---\n", "old/only.md": "x\n" });
    await commit(board, [
      { path: "deep/er/new.md", content: "new\n" },
      { path: "old/only.md", content: null },
      { path: ".githooks/pre-commit", content: "#!/bin/sh\nexit 0\n", executable: true },
    ]);
    expect(lines(board.git(["ls-tree", "-r", "HEAD"])).map((line) => line.replace(/ [0-9a-f]{40}/, ""))).toEqual([
      "100755 blob\t.githooks/pre-commit",
      "100644 blob\tbeads/a.md",
      "100644 blob\tdeep/er/new.md",
    ]);
    expect(board.git(["status", "--porcelain"])).toBe("");
    expectFsckClean(board);
  });

  it("commits as the given author, with the message as written", async () => {
    const board = await makeTempBoard({});
    await commit(board, [{ path: "beads/a.md", content: "---\ntitle: A\n---\n" }], "claim bb-7k3q by codemonkey");
    expect(board.git(["log", "-1", "--format=%an <%ae>|%cn <%ce>|%B"]).trim()).toBe("Bead Tester <bead@example.test>|Bead Tester <bead@example.test>|claim bb-7k3q by codemonkey");
    expect(board.git(["reflog", "-1", "--format=%gs", "main"]).trim()).toBe("commit: claim bb-7k3q by codemonkey");
  });

  it("refuses with RefMovedError when the branch moves between its read and its ref update, losing nothing", async () => {
    const board = await makeTempBoard({ "beads/a.md": "---\ntitle: A\n---\n" });
    const gitdir = join(board.dir, ".git");
    const base = head(board);
    // Someone else's commit, made while we hold git's own lock on the branch ref.
    const theirs = board.git(["commit-tree", `${base}^{tree}`, "-p", base, "-m", "someone else"]).trim();
    const refLock = join(gitdir, "refs/heads/main.lock");
    writeFileSync(refLock, "");
    const writing = commitPaths({ root: board.dir, gitdir, changes: [{ path: "beads/a.md", content: "---\ntitle: ours\n---\n" }], message: "ours", author: AUTHOR });
    const outcome = writing.then(
      () => "committed",
      (error: unknown) => error,
    );
    // commitPaths takes index.lock and reads the branch tip in the microtask right after; any timer
    // fires later than that. It then waits for our ref lock, and meanwhile the branch moves.
    while (!existsSync(join(gitdir, "index.lock"))) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 20));
    writeFileSync(join(gitdir, "refs/heads/main"), `${theirs}\n`);
    unlinkSync(refLock);
    const error = await outcome;
    expect(error).toBeInstanceOf(RefMovedError);
    expect(error).toMatchObject({ code: "E_REF_MOVED", expected: base, actual: theirs });
    expect(head(board)).toBe(theirs);
    expect(board.git(["log", "--format=%s", "-2"]).trim().split("\n")).toEqual(["someone else", "initial board"]);
    expect(existsSync(join(gitdir, "index.lock"))).toBe(false);
    expect(existsSync(refLock)).toBe(false);
    expectFsckClean(board);
  });

  it("waits for an existing .git/index.lock and then fails with a clear GitError, leaving the lock alone", async () => {
    const board = await makeTempBoard({ "beads/a.md": "---\ntitle: A\n---\n" });
    const lock = join(board.dir, ".git/index.lock");
    writeFileSync(lock, "another git process");
    const before = head(board);
    const attempt = commit(board, [{ path: "beads/a.md", content: "---\ntitle: B\n---\n" }]);
    await expect(attempt).rejects.toThrow(GitError);
    await expect(attempt).rejects.toThrow(/index\.lock exists: another git process is running/);
    expect(existsSync(lock)).toBe(true);
    expect(head(board)).toBe(before);
    // Once the other process is done, the same commit goes through.
    unlinkSync(lock);
    await commit(board, [{ path: "beads/a.md", content: "---\ntitle: B\n---\n" }]);
    expect(board.git(["show", "HEAD:beads/a.md"])).toBe("---\ntitle: B\n---\n");
  });

  it("proceeds once an index.lock it waited for goes away", async () => {
    const board = await makeTempBoard({ "beads/a.md": "---\ntitle: A\n---\n" });
    const lock = join(board.dir, ".git/index.lock");
    writeFileSync(lock, "");
    setTimeout(() => unlinkSync(lock), 200);
    await commit(board, [{ path: "beads/a.md", content: "---\ntitle: C\n---\n" }]);
    expect(board.git(["show", "HEAD:beads/a.md"])).toBe("---\ntitle: C\n---\n");
  });
});

describe("resolveIdentity", () => {
  it("takes BEAD_ACTOR as `Name <email>` or as a bare name", async () => {
    const board = await makeTempBoard();
    const gitdir = join(board.dir, ".git");
    expect(resolveIdentity(gitdir, { BEAD_ACTOR: "Romanov <romanov@lab.test>" })).toEqual({ name: "Romanov", email: "romanov@lab.test" });
    expect(resolveIdentity(gitdir, { BEAD_ACTOR: "code monkey" })).toEqual({ name: "code monkey", email: "code-monkey@beadboard.local" });
  });

  it("falls back to the repository's git config, then to a neutral default", async () => {
    const board = await makeTempBoard();
    const gitdir = join(board.dir, ".git");
    const noHome = { HOME: join(board.dir, "no-home") };
    expect(resolveIdentity(gitdir, noHome)).toEqual({ name: "beadboard", email: "beadboard@localhost" });
    await board.gitAsync(["config", "user.name", "Repo Person"]);
    await board.gitAsync(["config", "user.email", "repo@example.test"]);
    expect(resolveIdentity(gitdir, noHome)).toEqual({ name: "Repo Person", email: "repo@example.test" });
    expect(resolveIdentity(gitdir, { ...noHome, BEAD_ACTOR: "  " })).toEqual({ name: "Repo Person", email: "repo@example.test" });
  });
});
