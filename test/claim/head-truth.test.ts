/**
 * HEAD is the source of truth for claims (DESIGN §5). When `git merge` fails it rolls the index
 * and work tree back to the HEAD it started from (`git read-tree --reset -u <old head>`), which
 * wipes a claim committed meanwhile from the disk while HEAD keeps it. A second claimer must
 * still be refused: the file on disk is older than the claim.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { boardPaths } from "../../src/board/paths.js";
import { writeContext } from "../../src/board/write.js";
import { claimBead } from "../../src/claim/claim.js";
import { runBeadProcess } from "../helpers/cli.js";
import { cleanupTempBoards, gitEnv, makeTempBoard } from "../helpers/temp-board.js";
import { assertBuilt, history, HOST } from "./support.js";

beforeAll(assertBuilt);
afterEach(cleanupTempBoards);

const BEAD = "---\ntitle: Wiped from disk, kept in HEAD\nstatus: open\n---\nBody.\n";

describe("a claim that a failed git command wiped from the work tree", () => {
  it("still refuses another claimer while HEAD names a live holder", async () => {
    const board = await makeTempBoard({ "beads/w.md": BEAD });
    const ctx = writeContext(boardPaths(board.dir), gitEnv());
    const claimed = await claimBead(ctx, "w", { agent: "a2", leaseMs: 60_000, host: HOST });
    // What `git merge`'s restore_state does after a commit landed during the merge.
    board.git(["read-tree", "--reset", "-u", "HEAD~1"]);
    expect(board.read("beads/w.md")).toBe(BEAD);
    expect(board.git(["status", "--porcelain"])).toBe("M  beads/w.md\n");

    const refused = await runBeadProcess(["claim", "w", "--as", "a3", "--lease", "1m"], { cwd: board.dir, env: { BEAD_HOST: HOST } });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`held by a2@${HOST} until ${claimed.leaseUntil} (per the last commit; the file on disk is older)`);
    expect((await history(board.dir)).map((c) => c.subject)).toEqual(["initial board", "claim w by a2"]);

    // The holder itself may claim it again (a renewal per HEAD), which puts the claim back on disk.
    await claimBead(ctx, "w", { agent: "a2", leaseMs: 60_000, host: HOST });
    expect(board.read("beads/w.md")).toMatch(/^claimed_by: a2@test$/m);
    expect(board.git(["status", "--porcelain"])).toBe("");
  });

  it("allows the claim once the lease in HEAD has lapsed", async () => {
    const board = await makeTempBoard({ "beads/w.md": BEAD });
    const ctx = writeContext(boardPaths(board.dir), gitEnv());
    await claimBead(ctx, "w", { agent: "a2", leaseMs: 60_000, host: HOST, now: () => Date.now() - 10 * 60_000 });
    board.git(["read-tree", "--reset", "-u", "HEAD~1"]);
    await expect(claimBead(ctx, "w", { agent: "a3", leaseMs: 60_000, host: HOST })).resolves.toMatchObject({ holder: `a3@${HOST}` });
    expect(board.git(["status", "--porcelain"])).toBe("");
  });
});
