/**
 * A synced board checked out in a linked worktree (`git worktree add`): the worktree's gitdir
 * holds HEAD and the index only, so sync must read and write objects, refs and the config in
 * the common directory, and HEAD and the index in the worktree's own. Before, isomorphic-git was
 * given the worktree's gitdir for everything: the remote was not found, and objects were not.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseBead } from "../../src/bead/parse.js";
import { setFields } from "../../src/bead/edit.js";
import { findBoard } from "../../src/board/paths.js";
import { createBead, editBead, writeContext } from "../../src/board/write.js";
import { claimAndPush } from "../../src/claim/remote-claim.js";
import { resolveRemote } from "../../src/sync/remote.js";
import { syncBoard } from "../../src/sync/sync.js";
import { runCli } from "../helpers/cli.js";
import { runGit } from "../helpers/temp-board.js";
import { beadFile, startSyncRig, TOKEN, type SyncRig } from "./sync-support.js";

let rig: SyncRig;
const dirs: string[] = [];

beforeEach(async () => {
  rig = await startSyncRig({ "beads/bb-1.md": beadFile("First", ["status: open"]), "beads/bb-2.md": beadFile("Second") });
});

afterEach(async () => {
  await rig.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(name: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `beadboard-${name}-`)));
  dirs.push(dir);
  return dir;
}

describe("sync in a linked worktree", () => {
  it("pushes a new branch, replays its commits on what others pushed, claims, and leaves the main checkout alone", async () => {
    const a = await rig.clone("a");
    const wt = join(tempDir("wt"), "side");
    await a.git(["worktree", "add", "-q", "-b", "side", wt, "main"]);
    const ctx = writeContext(findBoard(wt), { BEAD_ACTOR: "wt <wt@beadboard.test>" });
    // The remote and its branch come from the repository's config, which lives in the common directory.
    const remote = { ...(await resolveRemote(findBoard(wt), { BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0" })), timeoutMs: 20_000 };
    expect(remote.branch).toBe("side");

    await createBead(ctx, "bb-3", beadFile("Third"), "new bb-3");
    const first = await syncBoard(ctx, remote);
    expect(first).toMatchObject({ action: "ahead", pushed: true });
    const bare = rig.server.barePath(rig.repo);
    expect(await runGit(bare, ["show", "side:beads/bb-3.md"])).toContain("title: Third");

    // Someone else pushes to `side` (straight into the server's repository), while the worktree commits too.
    const other = join(tempDir("other"), "o");
    await runGit(bare, ["clone", "-q", "-b", "side", bare, other]);
    writeFileSync(join(other, "beads/bb-4.md"), beadFile("Fourth"));
    await runGit(other, ["add", "-A"]);
    await runGit(other, ["-c", "user.name=o", "-c", "user.email=o@x", "commit", "-q", "-m", "new bb-4"]);
    await runGit(other, ["push", "-q", "origin", "side"]);
    await editBead(ctx, "bb-1", (text) => setFields(text, { priority: 1 }, "beads/bb-1.md"), "set bb-1");

    const second = await syncBoard(ctx, remote);
    expect(second).toMatchObject({ action: "rebased", pushed: true });
    expect(await runGit(wt, ["status", "--porcelain"])).toBe("");
    expect(await runGit(wt, ["show", "HEAD:beads/bb-4.md"])).toContain("title: Fourth");
    expect(parseBead(await runGit(bare, ["show", "side:beads/bb-1.md"]), "beads/bb-1.md").fields.priority).toBe(1);
    expect((await runGit(wt, ["rev-parse", "HEAD"])).trim()).toBe((await runGit(bare, ["rev-parse", "side"])).trim());

    const claimed = await claimAndPush(ctx, "bb-2", { agent: "coder", host: "wt", leaseMs: 600_000 }, remote);
    expect(claimed.pushed).not.toBeNull();
    expect(parseBead(await runGit(bare, ["show", "side:beads/bb-2.md"]), "beads/bb-2.md").fields.claimed_by).toBe("coder@wt");

    // The commands a person runs there: `bead log` reads the history from the common directory.
    const log = await runCli(["log", "bb-1"], { cwd: wt, env: { BEAD_TOKEN: TOKEN } });
    expect(log.stderr).toBe("");
    expect(log.stdout).toContain("set bb-1");
    const sync = await runCli(["sync"], { cwd: wt, env: { BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0" } });
    expect(sync.stdout).toMatch(/^up to date with http:\/\/127\.0\.0\.1:\d+\/board\.git side\n$/);

    // The main checkout: still on main, clean, and main on the server untouched.
    expect((await a.git(["symbolic-ref", "HEAD"])).trim()).toBe("refs/heads/main");
    expect(await a.git(["status", "--porcelain"])).toBe("");
    expect(await rig.serverLog()).not.toContain("set bb-1");
    expect(await rig.fsck(a.dir)).toBe("");
  });
});
