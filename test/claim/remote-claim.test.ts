import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseBead } from "../../src/bead/parse.js";
import { claimBead } from "../../src/claim/claim.js";
import { claimAndPush, publish } from "../../src/claim/remote-claim.js";
import { writeBack } from "../../src/claim/write-back.js";
import { ClaimRefusedError, RemoteUnreachableError, type BeadboardError } from "../../src/errors.js";
import { rollbackTipLocked } from "../../src/sync/rollback.js";
import { syncBoard } from "../../src/sync/sync.js";
import { withBoardLock } from "../../src/git/board-lock.js";
import { runGit } from "../helpers/temp-board.js";
import { beadFile, startSyncRig, type Clone, type SyncRig } from "../git/sync-support.js";

let rig: SyncRig;
const LEASE = 600_000;

beforeEach(async () => {
  rig = await startSyncRig({
    "beads/bb-1.md": beadFile("One", ["status: open"]),
    "beads/bb-2.md": beadFile("Two", ["status: open"]),
    "beads/bb-3.md": beadFile("Three", ["status: open"]),
  });
});

afterEach(async () => {
  await rig.close();
});

function fieldsOf(text: string) {
  return parseBead(text, "beads/x.md").fields;
}

async function failure(promise: Promise<unknown>): Promise<BeadboardError> {
  try {
    await promise;
  } catch (error) {
    return error as BeadboardError;
  }
  throw new Error("expected a failure");
}

async function localLog(clone: Clone): Promise<string[]> {
  return (await runGit(clone.dir, ["log", "--format=%s", "HEAD"])).split("\n").filter(Boolean);
}

describe("claimAndPush", () => {
  it("a claim counts once pushed; another clone is refused, naming the holder", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    const won = await claimAndPush(a.ctx, "bb-1", { agent: "alpha", host: "a", leaseMs: LEASE }, a.remote);
    expect(won).toMatchObject({ holder: "alpha@a", attempts: 1 });
    expect(won.pushed).toBe(await rig.serverTip());
    expect(fieldsOf(await rig.serverFile("beads/bb-1.md"))).toMatchObject({ status: "claimed", claimed_by: "alpha@a" });

    // B has not synced: its board still shows bb-1 open. The claim round fetches first.
    const error = await failure(claimAndPush(b.ctx, "bb-1", { agent: "beta", host: "b", leaseMs: LEASE }, b.remote));
    expect(error).toBeInstanceOf(ClaimRefusedError);
    expect(error.message).toContain("alpha@a");
    expect((error as ClaimRefusedError).holder).toBe("alpha@a");
    expect(fieldsOf(b.read("beads/bb-1.md")).claimed_by).toBe("alpha@a");
    expect((await rig.serverLog()).filter((s) => s.startsWith("claim bb-1"))).toEqual(["claim bb-1 by alpha"]);
  });

  it("two clones racing in parallel for the same bead: exactly one wins", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    const results = await Promise.allSettled([
      claimAndPush(a.ctx, "bb-2", { agent: "alpha", host: "a", leaseMs: LEASE }, a.remote),
      claimAndPush(b.ctx, "bb-2", { agent: "beta", host: "b", leaseMs: LEASE }, b.remote),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toBeInstanceOf(ClaimRefusedError);
    expect((await rig.serverLog()).filter((s) => s.startsWith("claim bb-2"))).toHaveLength(1);
  });

  it("racing for different beads: both win, the loser of the push race merges and pushes again", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    const [x, y] = await Promise.all([
      claimAndPush(a.ctx, "bb-1", { agent: "alpha", host: "a", leaseMs: LEASE }, a.remote),
      claimAndPush(b.ctx, "bb-2", { agent: "beta", host: "b", leaseMs: LEASE }, b.remote),
    ]);
    expect([x.holder, y.holder]).toEqual(["alpha@a", "beta@b"]);
    expect(fieldsOf(await rig.serverFile("beads/bb-1.md")).claimed_by).toBe("alpha@a");
    expect(fieldsOf(await rig.serverFile("beads/bb-2.md")).claimed_by).toBe("beta@b");
    expect(await rig.fsck(rig.server.barePath(rig.repo))).toBe("");
  });

  it("an unpushed local claim loses to the claim already on the server when merged", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    // B claims without pushing (e.g. `bead claim` while offline); A's claim reaches the server first.
    await claimBead(b.ctx, "bb-3", { agent: "beta", host: "b", leaseMs: LEASE });
    await claimAndPush(a.ctx, "bb-3", { agent: "alpha", host: "a", leaseMs: LEASE }, a.remote);
    const r = await syncBoard(b.ctx, b.remote);
    expect(r.notes).toEqual([expect.objectContaining({ path: "beads/bb-3.md", kind: "claim" })]);
    expect(fieldsOf(b.read("beads/bb-3.md")).claimed_by).toBe("alpha@a");
    expect(fieldsOf(await rig.serverFile("beads/bb-3.md")).claimed_by).toBe("alpha@a");
  });

  it("server down: no claim starts, the local claim is not kept, and everything catches up", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    await claimAndPush(a.ctx, "bb-1", { agent: "alpha", host: "a", leaseMs: LEASE }, a.remote);
    await claimAndPush(b.ctx, "bb-2", { agent: "beta", host: "b", leaseMs: LEASE }, b.remote);

    rig.server.setDown(true);
    // Confirmed work goes on: the write-back commits locally; publishing it waits for the server.
    await writeBack(a.ctx, "bb-1", "alpha", { outcome: "done", result: "Result of one." }, "a");
    expect(await failure(publish(a.ctx, a.remote))).toBeInstanceOf(RemoteUnreachableError);
    // No unconfirmed claim: claimAndPush fails before claiming anything.
    const headBefore = (await localLog(a))[0];
    const error = await failure(claimAndPush(a.ctx, "bb-3", { agent: "alpha", host: "a", leaseMs: LEASE }, a.remote));
    expect(error).toBeInstanceOf(RemoteUnreachableError);
    expect(fieldsOf(a.read("beads/bb-3.md")).status).toBe("open");
    expect((await localLog(a))[0]).toBe(headBefore);
    expect(await localLog(a)).not.toContain("claim bb-3 by alpha");

    rig.server.setDown(false);
    const caughtUp = await publish(a.ctx, a.remote);
    expect(caughtUp.pushed).toBe(true);
    expect(caughtUp.action).toBe("rebased");
    const one = await rig.serverFile("beads/bb-1.md");
    expect(fieldsOf(one).status).toBe("done");
    expect(one).toContain("Result of one.");
    await claimAndPush(a.ctx, "bb-3", { agent: "alpha", host: "a", leaseMs: LEASE }, a.remote);
    await syncBoard(b.ctx, b.remote);
    expect(fieldsOf(b.read("beads/bb-1.md")).status).toBe("done");
    expect(fieldsOf(b.read("beads/bb-3.md")).claimed_by).toBe("alpha@a");
    for (const dir of [a.dir, b.dir, rig.server.barePath(rig.repo)]) expect(await rig.fsck(dir)).toBe("");
  });

  it("rollbackTipLocked takes a local claim back out of the branch and the working tree", async () => {
    const a = await rig.clone("a");
    const before = (await runGit(a.dir, ["rev-parse", "HEAD"])).trim();
    const original = a.read("beads/bb-2.md");
    const claim = await claimBead(a.ctx, "bb-2", { agent: "alpha", host: "a", leaseMs: LEASE });
    expect(claim.commit).not.toBeNull();
    const undone = await withBoardLock(a.ctx.paths.stateDir, () => rollbackTipLocked(a.ctx, claim.commit!));
    expect(undone).toEqual({ rolledBack: true, kept: [] });
    expect((await runGit(a.dir, ["rev-parse", "HEAD"])).trim()).toBe(before);
    expect(a.read("beads/bb-2.md")).toBe(original);
    expect(await runGit(a.dir, ["status", "--porcelain"])).toBe("");
    // Not the tip any more: nothing happens.
    expect(await withBoardLock(a.ctx.paths.stateDir, () => rollbackTipLocked(a.ctx, claim.commit!))).toEqual({ rolledBack: false, kept: [] });
  });
});
