/** Loose objects from agent commits are packed; the board reads and writes on afterwards and git fsck stays clean. */
import { afterEach, describe, expect, it } from "vitest";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { boardPaths } from "../../src/board/paths.js";
import { createBead, writeContext } from "../../src/board/write.js";
import { claimBead } from "../../src/claim/claim.js";
import { countLooseObjects, packLooseObjects } from "../../src/git/pack.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards, gitEnv, makeTempBoard, runGit } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

describe("packing loose objects", () => {
  it("packs them once past the threshold; reads, claims and fsck work after", async () => {
    const board = await makeTempBoard({ "beads/.keep": "" });
    const paths = boardPaths(board.dir);
    const ctx = writeContext(paths, gitEnv());
    for (let i = 0; i < 12; i++) await createBead(ctx, `bb-${i}`, beadText([`title: Bead ${i}`]), `new bb-${i}`);
    const before = countLooseObjects(paths.gitdir);
    expect(before).toBeGreaterThan(30);

    expect(await packLooseObjects(board.dir, paths.gitdir, { threshold: before + 1 })).toEqual({ action: "skipped", reason: "few loose objects", loose: before });
    expect(await packLooseObjects(board.dir, paths.gitdir, { threshold: 10 })).toEqual({ action: "packed", looseBefore: before, looseAfter: 0 });
    expect(readdirSync(join(paths.gitdir, "objects", "pack")).some((name) => name.endsWith(".pack"))).toBe(true);

    // Everything the product reads now comes out of the pack.
    await claimBead(ctx, "bb-3", { agent: "coder", host: "test", leaseMs: 60_000 });
    expect(await runGit(board.dir, ["show", "HEAD:beads/bb-3.md"])).toMatch(/^status: claimed$/m);
    await expect(runGit(board.dir, ["fsck", "--full", "--strict", "--no-dangling"])).resolves.toBeDefined();
    expect((await runGit(board.dir, ["status", "--porcelain"])).trim()).toBe("");
  });

  it("never runs while git holds index.lock or a gc runs", async () => {
    const board = await makeTempBoard({ "beads/a.md": beadText(["title: A"]) });
    const gitdir = boardPaths(board.dir).gitdir;
    writeFileSync(join(gitdir, "index.lock"), "");
    expect(await packLooseObjects(board.dir, gitdir, { threshold: 1 })).toMatchObject({ action: "skipped", reason: "a git command holds index.lock" });
    rmSync(join(gitdir, "index.lock"));
    writeFileSync(join(gitdir, "gc.pid"), "12345 somehost");
    expect(await packLooseObjects(board.dir, gitdir, { threshold: 1 })).toMatchObject({ action: "skipped", reason: "git gc is running (gc.pid)" });
  });
});
