/**
 * How a bead commit treats git's shared files: `.git/index` is replaced whole (written into
 * index.lock, then renamed), so a reader that takes no lock (`git status`) never sees half of
 * one; and a commit whose branch moved under it (a person's `git merge`, `git update-ref`) puts
 * the work tree back and leaves the index and index.lock as they were.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { resolveIdentity } from "../../src/git/author.js";
import { commitPaths } from "../../src/git/commit-paths.js";
import { cleanupTempBoards, makeTempBoard, runGitSync } from "../helpers/temp-board.js";
import { assertBuilt, beadFiles, repoHealth, spawnActor, type Actor } from "./support.js";

const live: Actor[] = [];

beforeAll(assertBuilt);
afterEach(async () => {
  for (const actor of live.splice(0)) actor.child.kill("SIGKILL");
  await cleanupTempBoards();
});

/** A whole index file: "DIRC" header, and a SHA-1 trailer over everything before it. */
function wholeIndex(bytes: Buffer): boolean {
  if (bytes.length < 32 || bytes.subarray(0, 4).toString("latin1") !== "DIRC") return false;
  const trailer = bytes.subarray(bytes.length - 20);
  return createHash("sha1").update(bytes.subarray(0, bytes.length - 20)).digest().equals(trailer);
}

describe("the index beside lockless readers", () => {
  it("is never seen half-written while processes commit claims", async () => {
    const board = await makeTempBoard(beadFiles(60));
    const index = join(board.dir, ".git", "index");
    const ids = Object.keys(beadFiles(60)).map((path) => path.slice("beads/".length, -".md".length));
    const actors = [0, 1].map((k) => spawnActor(["loop", board.dir, `a${k + 1}`, "0", ids.filter((_, i) => i % 2 === k).join(",")]));
    live.push(...actors);
    let running = true;
    const finished = Promise.all(actors.map((actor) => actor.exited)).then((codes) => {
      running = false;
      return codes;
    });
    let reads = 0;
    const torn: number[] = [];
    while (running) {
      const bytes = readFileSync(index);
      reads++;
      if (!wholeIndex(bytes)) torn.push(bytes.length);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(await finished).toEqual([0, 0]);
    console.log(`index-lock: ${reads} reads of .git/index during 60 claims, ${torn.length} torn`);
    expect(actors.flatMap((actor) => actor.attempts()).filter((a) => !a.ok)).toEqual([]);
    expect(torn).toEqual([]);
    expect(reads).toBeGreaterThan(60);
    expect(await repoHealth(board.dir)).toEqual({ fsck: "", status: "" });
  }, 120_000);
});

describe("a bead commit whose branch moves under it", () => {
  it("fails with E_REF_MOVED, puts the work tree file back, and leaves the index and locks alone", async () => {
    const board = await makeTempBoard({ "beads/a.md": "---\ntitle: A\n---\n", "notes.txt": "one\n" });
    const gitdir = join(board.dir, ".git");
    const base = runGitSync(board.dir, ["rev-parse", "HEAD"]).trim();
    // Someone else's commit, made with plumbing so it needs no index.lock (as `git merge` moves HEAD).
    const tree = runGitSync(board.dir, ["rev-parse", "HEAD^{tree}"]).trim();
    const theirs = runGitSync(board.dir, ["commit-tree", tree, "-p", base, "-m", "someone else"]).trim();
    const indexBefore = readFileSync(join(gitdir, "index"));
    const next = "---\ntitle: A\nstatus: claimed\n---\n";
    const attempt = commitPaths({
      root: board.dir,
      gitdir,
      author: resolveIdentity(gitdir, {}),
      changes: [{ path: "beads/a.md", content: next }],
      message: "claim a by x",
      writeWorktree: true,
      // Runs under index.lock, after the branch tip was read, before anything is written: the branch moves right then.
      verify: () => {
        expect(existsSync(join(gitdir, "index.lock"))).toBe(true);
        runGitSync(board.dir, ["update-ref", "refs/heads/main", theirs, base]);
      },
    });
    await expect(attempt).rejects.toMatchObject({ code: "E_REF_MOVED" });
    expect(board.read("beads/a.md")).toBe("---\ntitle: A\n---\n");
    expect(readFileSync(join(gitdir, "index")).equals(indexBefore)).toBe(true);
    expect(existsSync(join(gitdir, "index.lock"))).toBe(false);
    expect(existsSync(join(gitdir, "refs/heads/main.lock"))).toBe(false);
    expect(runGitSync(board.dir, ["rev-parse", "HEAD"]).trim()).toBe(theirs);
    expect(await repoHealth(board.dir)).toEqual({ fsck: "", status: "" });

    // On the new tip the same commit goes through, and work tree, index and HEAD agree.
    const done = await commitPaths({ root: board.dir, gitdir, author: resolveIdentity(gitdir, {}), changes: [{ path: "beads/a.md", content: next }], message: "claim a by x", writeWorktree: true });
    expect(done?.parent).toBe(theirs);
    expect(board.read("beads/a.md")).toBe(next);
    expect(await repoHealth(board.dir)).toEqual({ fsck: "", status: "" });
  });
});
