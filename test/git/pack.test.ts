/** Loose objects from agent commits are packed; the board reads and writes on afterwards and git fsck stays clean. */
import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { boardPaths } from "../../src/board/paths.js";
import { createBead, writeContext } from "../../src/board/write.js";
import { claimBead } from "../../src/claim/claim.js";
import { countLooseObjects, packLooseObjects } from "../../src/git/pack.js";
import { chunkLoose, listLooseObjects, packWithIsomorphicGit } from "../../src/git/pack-js.js";
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
    expect(await packLooseObjects(board.dir, paths.gitdir, { threshold: 10 })).toEqual({ action: "packed", looseBefore: before, looseAfter: 0, by: "git" });
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

  it("without the git CLI, isomorphic-git packs them: pack and index in place, loose copies gone, fsck clean", async () => {
    const board = await makeTempBoard({ "beads/.keep": "" });
    const paths = boardPaths(board.dir);
    const ctx = writeContext(paths, gitEnv());
    for (let i = 0; i < 12; i++) await createBead(ctx, `bb-${i}`, beadText([`title: Bead ${i}`]), `new bb-${i}`);
    const before = countLooseObjects(paths.gitdir);
    // A crash of an earlier run left a temp directory: cleared, never read as a pack.
    mkdirSync(join(paths.gitdir, "objects", "pack", ".beadboard-pack-crashed"), { recursive: true });
    const outcome = await packLooseObjects(board.dir, paths.gitdir, { threshold: 10, gitBinary: join(board.dir, "no-such-git") });
    expect(outcome).toEqual({ action: "packed", looseBefore: before, looseAfter: 0, by: "isomorphic-git" });
    const packDir = readdirSync(join(paths.gitdir, "objects", "pack"));
    expect(packDir.filter((name) => name.endsWith(".pack")).length).toBe(1);
    expect(packDir.filter((name) => name.endsWith(".idx")).length).toBe(1);
    expect(packDir.filter((name) => name.startsWith("."))).toEqual([]);
    await claimBead(ctx, "bb-5", { agent: "coder", host: "test", leaseMs: 60_000 });
    expect(await runGit(board.dir, ["show", "HEAD~1:beads/bb-4.md"])).toContain("title: Bead 4");
    await expect(runGit(board.dir, ["fsck", "--full", "--strict", "--no-dangling"])).resolves.toBeDefined();
    expect((await runGit(board.dir, ["count-objects", "-v"])).match(/^in-pack: (\d+)$/m)?.[1]).toBe(String(before));
  });

  it("in bounded chunks: one pack per chunk, every object still readable", async () => {
    const board = await makeTempBoard({ "beads/.keep": "" });
    const paths = boardPaths(board.dir);
    const ctx = writeContext(paths, gitEnv());
    for (let i = 0; i < 6; i++) await createBead(ctx, `bb-${i}`, beadText([`title: Bead ${i}`]), `new bb-${i}`);
    const loose = listLooseObjects(paths.gitdir).length;
    const result = await packWithIsomorphicGit(paths.gitdir, { chunkObjects: 5 });
    expect(result).toEqual({ packs: Math.ceil(loose / 5), packed: loose });
    expect(countLooseObjects(paths.gitdir)).toBe(0);
    await expect(runGit(board.dir, ["fsck", "--full", "--strict", "--no-dangling"])).resolves.toBeDefined();
  });

  it("leaves a symlink under objects/ alone and stops between chunks when aborted", async () => {
    const board = await makeTempBoard({ "beads/a.md": beadText(["title: A"]) });
    const gitdir = boardPaths(board.dir).gitdir;
    mkdirSync(join(gitdir, "objects", "ab"), { recursive: true });
    symlinkSync("/etc/passwd", join(gitdir, "objects", "ab", "c".repeat(38)));
    expect(listLooseObjects(gitdir).some((object) => object.oid.startsWith("ab"))).toBe(false);
    const stop = new AbortController();
    stop.abort(new Error("stopping"));
    expect(await packWithIsomorphicGit(gitdir, { signal: stop.signal })).toEqual({ packs: 0, packed: 0 });
    expect(countLooseObjects(gitdir)).toBeGreaterThan(0);
  });
});

describe("chunkLoose", () => {
  const object = (oid: string, bytes: number) => ({ oid, path: `/x/${oid}`, bytes });
  it("cuts by bytes and by count; an object over the byte bound goes alone", () => {
    const loose = [object("a", 10), object("b", 10), object("c", 50), object("d", 5), object("e", 5), object("f", 5)];
    expect(chunkLoose(loose, 25, 100).map((chunk) => chunk.map((o) => o.oid).join(""))).toEqual(["ab", "c", "def"]);
    expect(chunkLoose(loose, 1000, 2).map((chunk) => chunk.map((o) => o.oid).join(""))).toEqual(["ab", "cd", "ef"]);
    expect(chunkLoose([], 10, 10)).toEqual([]);
  });
});
