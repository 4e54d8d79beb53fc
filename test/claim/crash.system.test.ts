/**
 * Crash recovery with real processes killed by SIGKILL: a dead holder of the board lock is
 * taken over after the stale timeout, and a dead holder of a claim loses it when its lease
 * lapses, so another process can claim and complete the bead (or the expiry sweep reopens it).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { boardPaths } from "../../src/board/paths.js";
import { writeContext } from "../../src/board/write.js";
import { expireLeases } from "../../src/claim/expire.js";
import { withBoardLock } from "../../src/git/board-lock.js";
import { runBeadProcess } from "../helpers/cli.js";
import { cleanupTempBoards, gitEnv, makeTempBoard } from "../helpers/temp-board.js";
import { assertBuilt, beadFiles, history, HOST, repoHealth, spawnActor, type Actor, type Attempt } from "./support.js";

const STALE_ENV = { BEAD_LOCK_STALE_MS: "2000", BEAD_HOST: HOST };
const live: Actor[] = [];

beforeAll(assertBuilt);
afterEach(async () => {
  for (const actor of live.splice(0)) actor.child.kill("SIGKILL");
  await cleanupTempBoards();
});

function start(args: string[]): Actor {
  const actor = spawnActor(args, STALE_ENV);
  live.push(actor);
  return actor;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

describe("a process killed while it holds the board lock", () => {
  it("is taken over after the stale timeout, and the next claim succeeds", async () => {
    const board = await makeTempBoard(beadFiles(2));
    const holder = start(["hold-lock", board.dir]);
    await holder.waitFor("locked");
    // The lock really is held: a writer that will not wait long gives up.
    const stateDir = boardPaths(board.dir).stateDir;
    await expect(withBoardLock(stateDir, async () => "got it", { timeoutMs: 500, staleMs: 2000 })).rejects.toMatchObject({ code: "E_LOCK_TIMEOUT" });

    holder.child.kill("SIGKILL");
    expect(await holder.exited).toBe("SIGKILL");
    const killedAt = Date.now();
    const claim = await runBeadProcess(["claim", "b-000", "--as", "p2", "--lease", "1m"], { cwd: board.dir, env: STALE_ENV });
    console.log(`crash: claim after killed lock holder took ${Date.now() - killedAt} ms (stale timeout 2000 ms)`);
    expect(claim.stderr).toBe("");
    expect(claim.code).toBe(0);
    expect(claim.stdout).toContain(`b-000: claimed by p2@${HOST}`);

    const subjects = (await history(board.dir)).map((c) => c.subject);
    expect(subjects).toEqual(["initial board", "claim b-000 by p2"]);
    expect(await repoHealth(board.dir)).toEqual({ fsck: "", status: "" });
  }, 60_000);
});

describe("a process killed while it holds a claim", () => {
  it("keeps the bead until the lease lapses; then another process claims and completes it, and expiry reopens the rest", async () => {
    const board = await makeTempBoard(beadFiles(2));
    // A lease long enough for a whole `bead claim` process to start and be refused on a busy machine.
    const leaseMs = 5000;
    const worker = start(["claim-hang", board.dir, "p1", String(leaseMs), "b-000,b-001"]);
    await worker.waitFor("holding");
    const claims = worker.attempts();
    expect(claims.map((a) => [a.id, a.ok])).toEqual([
      ["b-000", true],
      ["b-001", true],
    ]);
    const leaseEnds = Math.max(...claims.map((a) => Date.parse(a.leaseUntil ?? "")));
    worker.child.kill("SIGKILL");
    expect(await worker.exited).toBe("SIGKILL");

    // Before the lease lapses: refused with exit 3, naming the holder and when its lease ends.
    const refused = await runBeadProcess(["claim", "b-000", "--as", "p2", "--lease", "1m"], { cwd: board.dir, env: STALE_ENV });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`held by p1@${HOST} until ${claims[0]!.leaseUntil!}`);

    // After it lapses: another process claims it (counting the dead attempt) and completes it.
    await sleep(leaseEnds - Date.now() + 50);
    const other = start(["work", board.dir, "p2", "60000", "b-000"]);
    const written = await other.waitFor("written");
    expect(await other.exited).toBe(0);
    const takeover = other.attempts()[0] as Attempt;
    expect(takeover).toMatchObject({ ok: true, holder: `p2@${HOST}` });
    expect(written).toMatchObject({ kind: "written" });
    const done = readFileSync(join(board.dir, "beads/b-000.md"), "utf8");
    expect(done).toMatch(/^status: done$/m);
    expect(done).toMatch(/^attempts: 1$/m);
    expect(done).toMatch(/^claimed_by: p2@test$/m);
    expect(done).not.toMatch(/^lease_until:/m);
    expect(done).toContain("## Result\nDone by p2.\n");

    // The expiry sweep returns the other bead of the dead process to the board, attempts + 1.
    const ctx = writeContext(boardPaths(board.dir), gitEnv());
    const expired = await expireLeases(ctx, { maxAttempts: 3 });
    expect(expired).toEqual([{ id: "b-001", previousHolder: `p1@${HOST}`, attempts: 1, status: "open" }]);
    const reopened = readFileSync(join(board.dir, "beads/b-001.md"), "utf8");
    expect(reopened).toMatch(/^status: open$/m);
    expect(reopened).toMatch(/^attempts: 1$/m);
    expect(reopened).not.toMatch(/^(claimed_by|claimed_at|lease_until):/m);
    // Nothing else is left to expire, and b-001 is claimable again.
    expect(await expireLeases(ctx, { maxAttempts: 3 })).toEqual([]);
    const again = await runBeadProcess(["claim", "b-001", "--as", "p3", "--lease", "1m"], { cwd: board.dir, env: STALE_ENV });
    expect(again.code).toBe(0);

    expect((await history(board.dir)).map((c) => c.subject)).toEqual([
      "initial board",
      "claim b-000 by p1",
      "claim b-001 by p1",
      "claim b-000 by p2",
      "done b-000",
      `expire b-001 (lease of p1@${HOST} lapsed)`,
      "claim b-001 by p3",
    ]);
    expect(await repoHealth(board.dir)).toEqual({ fsck: "", status: "" });
  }, 60_000);
});
