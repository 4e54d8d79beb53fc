import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const FILES = {
  "beads/old.md": beadText(["title: Old work", "status: done", "updated: 2025-01-01T00:00:00Z"], "Login was fixed.\n"),
  "beads/gone.md": beadText(["title: Dropped", "status: cancelled", "updated: 2025-02-01T00:00:00Z"]),
  "beads/recent.md": beadText(["title: Recent", "status: done", "updated: 2026-06-01T00:00:00Z"]),
  "beads/next.md": beadText(["title: Next", "deps: [old]"]),
  "beads/open.md": beadText(["title: Still open"]),
};

const ids = (stdout: string) => (JSON.parse(stdout) as Array<{ id: string }>).map((bead) => bead.id).sort();

describe("bead archive", () => {
  it("moves a finished bead in one commit, bytes unchanged; it leaves ls, stays in show, search --all, and as a dep", async () => {
    const b = await cliBoard(FILES);
    const before = readFileSync(join(b.dir, "beads/old.md"), "utf8");
    const run = await b.bead(["archive", "old"]);
    expect(run).toMatchObject({ code: 0, stdout: "archived 1 bead(s) to beads/archive/: old\n" });
    expect(b.git(["show", "--name-status", "--no-renames", "--format=", "HEAD"]).trim().split("\n").sort()).toEqual(["A\tbeads/archive/old.md", "D\tbeads/old.md"]);
    expect(b.git(["status", "--porcelain"])).toBe("");
    expect(readFileSync(join(b.dir, "beads/archive/old.md"), "utf8")).toBe(before);
    expect(ids((await b.bead(["ls", "--json"])).stdout)).toEqual(["gone", "next", "open", "recent"]);
    // next depends on the archived bead, which is done: it is ready, and claimable.
    expect(ids((await b.bead(["ready", "--json"])).stdout)).toEqual(["next", "open"]);
    expect((await b.bead(["claim", "next", "--as", "bot"])).code).toBe(0);
    expect(JSON.parse((await b.bead(["show", "old", "--json"])).stdout)).toMatchObject({ id: "old", path: "beads/archive/old.md", status: "done" });
    expect((await b.bead(["show", "old"])).stdout).toMatch(/^old: Old work \(archived\)/);
    expect((await b.bead(["search", "login", "--json"])).stdout).toBe("[]\n");
    expect(ids((await b.bead(["search", "login", "--all", "--json"])).stdout)).toEqual(["old"]);
    expect((await b.bead(["lint"])).code).toBe(0);
  });

  it("--done-before moves every finished bead changed before the date", async () => {
    const b = await cliBoard(FILES);
    const run = await b.bead(["archive", "--done-before", "2026-01-01", "--json"]);
    expect(JSON.parse(run.stdout).archived.sort()).toEqual(["gone", "old"]);
    expect(existsSync(join(b.dir, "beads/recent.md"))).toBe(true);
    expect((await b.bead(["archive", "--done-before", "2026-01-01"])).stdout).toBe("nothing to archive\n");
  });

  it("refuses an open bead or an unknown one and moves nothing", async () => {
    const b = await cliBoard(FILES);
    const head = b.head();
    const run = await b.bead(["archive", "old", "open", "ghost"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/nothing was moved: open: status is open; only done, cancelled, failed beads are archived; ghost: no such bead/);
    expect(b.head()).toBe(head);
  });
});
