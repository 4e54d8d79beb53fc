/**
 * A synced board after a person's `git checkout -b other` (issue 14, item 12): the release that
 * `bead up` commits on main goes to the server, the person's branch (and their commit on it) is
 * never pushed to the board's branch, and sync refuses to merge the remote into their branch.
 */
import { afterEach, describe, expect, it } from "vitest";
import { claimBead, releaseBead } from "../../src/claim/claim.js";
import { publish } from "../../src/claim/remote-claim.js";
import { GitError } from "../../src/errors.js";
import { syncBoard } from "../../src/sync/sync.js";
import { beadFile, startSyncRig, type SyncRig } from "./sync-support.js";

let rig: SyncRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("a synced board when HEAD moves away from the board's branch", () => {
  it("pushes main (with the release), never the person's branch; sync does not merge into it", async () => {
    rig = await startSyncRig({ "beads/a.md": beadFile("A") });
    const a = await rig.clone("a");
    const ctx = { ...a.ctx, branchRef: "refs/heads/main" };
    await claimBead(ctx, "a", { agent: "coder", leaseMs: 600_000, host: "vm" });
    await publish(ctx, a.remote);
    expect(await rig.serverFile("beads/a.md")).toMatch(/^status: claimed$/m);

    await a.git(["checkout", "-q", "-b", "other"]);
    a.write("notes.txt", "the person's own work\n");
    await a.git(["add", "notes.txt"]);
    await a.git(["commit", "-qm", "person: notes on other"]);
    const otherTip = (await a.git(["rev-parse", "HEAD"])).trim();

    await releaseBead(ctx, "a", { agent: "coder", host: "vm", reason: "agent stopped" });
    await publish(ctx, a.remote);
    expect(await rig.serverFile("beads/a.md")).toMatch(/^status: open$/m);
    const log = await rig.serverLog();
    expect(log.at(-1)).toBe("release a by coder: agent stopped");
    expect(log).not.toContain("person: notes on other");

    const refused = await syncBoard(ctx, a.remote).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GitError);
    expect((refused as Error).message).toMatch(/HEAD moved from refs\/heads\/main to refs\/heads\/other: not syncing into refs\/heads\/other/);
    expect((await a.git(["rev-parse", "HEAD"])).trim()).toBe(otherTip);
    expect(await rig.fsck(a.dir)).toBe("");
  });
});
