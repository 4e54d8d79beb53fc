/**
 * Symbolic links through sync: checked out as links (git records a link as its target, mode
 * 120000), and never followed when sync looks at what is in the working tree: a link to
 * /dev/zero at a path the remote changed must not be read (it would never end).
 */
import { lstatSync, mkdirSync, readlinkSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { publish } from "../../src/claim/remote-claim.js";
import { UnsavedEditError } from "../../src/errors.js";
import { syncBoard } from "../../src/sync/sync.js";
import { beadFile, personCommit, startSyncRig, type SyncRig } from "./sync-support.js";

let rig: SyncRig;

beforeEach(async () => {
  rig = await startSyncRig({ "beads/bb-1.md": beadFile("First"), "docs/guide.md": "Read me.\n" });
});

afterEach(async () => {
  await rig.close();
});

describe("sync and symbolic links", () => {
  it("checks a link out as a link, and the index agrees with it", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    symlinkSync("docs/guide.md", join(b.dir, "GUIDE"));
    await personCommit(b, "a link to the guide");
    await publish(b.ctx, b.remote);

    const r = await syncBoard(a.ctx, a.remote);
    expect(r.action).toBe("fast-forward");
    expect(lstatSync(join(a.dir, "GUIDE")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(a.dir, "GUIDE"))).toBe("docs/guide.md");
    expect(await a.git(["status", "--porcelain"])).toBe("");
  });

  it("never reads through a link in the working tree: one to /dev/zero where the remote changed a file is a person's, and refused", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    b.write("docs/guide.md", "Read me twice.\n");
    await personCommit(b, "guide");
    await publish(b.ctx, b.remote);
    await a.git(["rm", "-q", "docs/guide.md"]);
    mkdirSync(join(a.dir, "docs"), { recursive: true });
    symlinkSync("/dev/zero", join(a.dir, "docs/guide.md"));

    const error = await syncBoard(a.ctx, a.remote).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsavedEditError);
    expect((error as UnsavedEditError).files).toEqual(["docs/guide.md"]);
    expect(readlinkSync(join(a.dir, "docs/guide.md"))).toBe("/dev/zero");
  });
});
