import { afterEach, describe, expect, it } from "vitest";
import { parseBead } from "../../src/bead/parse.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard, lastCommitFiles, type CliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const depsOf = (board: CliBoard, id: string) => parseBead(board.read(`beads/${id}.md`), id).fields.deps;

async function board(): Promise<CliBoard> {
  return cliBoard({
    "beads/a.md": beadText(["title: A  # keep me", "deps: [b]"]),
    "beads/b.md": beadText(["title: B", "deps: [c]"]),
    "beads/c.md": beadText(["title: C"]),
    "beads/d.md": beadText(["title: D"]),
  });
}

describe("bead dep", () => {
  it("add makes a bead wait for another, in one commit of that file", async () => {
    const b = await board();
    const run = await b.bead(["dep", "add", "d", "c"]);
    expect(run).toMatchObject({ code: 0, stdout: "d now waits for c\n" });
    expect(depsOf(b, "d")).toEqual(["c"]);
    expect(lastCommitFiles(b)).toEqual(["beads/d.md"]);
    expect(b.git(["log", "-1", "--format=%s"]).trim()).toBe("dep add d c");
    expect(await b.bead(["ready", "--json"]).then((r) => (JSON.parse(r.stdout) as Array<{ id: string }>).map((x) => x.id))).toEqual(["c"]);
  });

  it("add appends to an existing list, keeping the rest of the line's bytes", async () => {
    const b = await board();
    expect((await b.bead(["dep", "add", "a", "d"])).code).toBe(0);
    expect(b.read("beads/a.md")).toBe(beadText(["title: A  # keep me", "deps: [b, d]"]));
  });

  it("add of a dep that is already there changes nothing", async () => {
    const b = await board();
    const head = b.head();
    expect((await b.bead(["dep", "add", "a", "b"])).code).toBe(0);
    expect(b.head()).toBe(head);
  });

  it("rm removes a dependency", async () => {
    const b = await board();
    const run = await b.bead(["dep", "rm", "a", "b"]);
    expect(run).toMatchObject({ code: 0, stdout: "a no longer waits for b\n" });
    expect(depsOf(b, "a")).toEqual([]);
  });

  it.each([
    ["a direct cycle", ["c", "b"], /adding b to c would create a dependency cycle: (b -> c -> b|c -> b -> c)/],
    ["a longer cycle", ["c", "a"], /adding a to c would create a dependency cycle/],
    ["a self-dependency", ["a", "a"], /a cannot depend on itself/],
  ])("refuses %s with exit 1, writing nothing", async (_name, [id, blocker], message) => {
    const b = await board();
    const head = b.head();
    const before = b.snapshot();
    const run = await b.bead(["dep", "add", id!, blocker!]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(b.head()).toBe(head);
    expect(b.snapshot()).toEqual(before);
  });

  it.each([
    [["add", "ghost", "a"], /bead not found: ghost/],
    [["add", "a", "ghost"], /bead not found: ghost/],
    [["rm", "ghost", "a"], /bead not found: ghost/],
    [["rm", "a", "c"], /dependency not found: a -> c/],
  ])("exits 2 for unknown ids: dep %j", async (args, message) => {
    const b = await board();
    const head = b.head();
    const run = await b.bead(["dep", ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(b.head()).toBe(head);
  });

  it("exits 1 for ids that are paths", async () => {
    const b = await board();
    for (const args of [["add", "../a", "b"], ["add", "a", "x/b"], ["rm", "a/../a", "b"]]) {
      const run = await b.bead(["dep", ...args]);
      expect(run.code, args.join(" ")).toBe(1);
      expect(run.stderr).toMatch(/invalid bead id/);
    }
  });
});
