/**
 * Disk full for real (issue 14, item 13): `.git/objects` on a tiny tmpfs. The commit fails
 * with a GitError saying the disk is full, the branch does not move, and `git fsck` finds no
 * empty objects (the isomorphic-git fallback used to leave zero-byte ones). Needs mount(8)
 * with privileges; elsewhere the test says so and is skipped.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { commitPaths } from "../../src/git/commit-paths.js";
import { GitError } from "../../src/errors.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";

const mounted: string[] = [];
afterEach(async () => {
  for (const dir of mounted.splice(0)) execFileSync("umount", [dir]);
  await cleanupTempBoards();
});

function canMount(): boolean {
  try {
    execFileSync("sh", ["-c", "d=$(mktemp -d) && mount -t tmpfs -o size=16k tmpfs \"$d\" && umount \"$d\""], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("disk full", () => {
  it.skipIf(!canMount())("fails the commit cleanly, leaves HEAD and the object store intact, and never falls back", async () => {
    const board = await makeTempBoard({ "a.txt": "a\n" });
    const objects = join(board.dir, ".git", "objects");
    const packed = board.git(["rev-parse", "HEAD"]).trim();
    // Keep what exists: pack it into a pack on the real disk, then put a tiny tmpfs over the loose fan-out.
    board.git(["repack", "-adq"]);
    execFileSync("sh", ["-c", `mkdir -p "${objects}/full" && mount -t tmpfs -o size=16k tmpfs "${objects}/full"`]);
    mounted.push(join(objects, "full"));
    const head = board.git(["rev-parse", "HEAD"]).trim();
    expect(head).toBe(packed);
    const big = randomBytes(64 * 1024); // incompressible: over the 16 KiB of the tmpfs
    // Every loose object goes under objects/xx: point each fan-out dir into the tiny tmpfs.
    execFileSync("sh", ["-c", `cd "${objects}" && for i in $(seq 0 255); do x=$(printf %02x $i); [ -e $x ] || { mkdir -p full/$x && ln -s full/$x $x; }; done`]);
    let caught: unknown;
    try {
      await commitPaths({ root: board.dir, gitdir: join(board.dir, ".git"), changes: [{ path: "big.bin", content: big }], message: "big", author: { name: "T", email: "t@example.test" } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GitError);
    expect((caught as GitError).message).toMatch(/disk is full/);
    expect(board.git(["rev-parse", "HEAD"]).trim()).toBe(head);
    expect(board.git(["fsck", "--no-dangling"])).not.toMatch(/empty|corrupt/i);
  });
});
