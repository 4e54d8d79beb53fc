import { afterEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { ACTOR, cliBoard } from "./support.js";

afterEach(cleanupTempBoards);

interface LogEntry {
  oid: string;
  date: string;
  author: string;
  message: string;
}

describe("bead log", () => {
  it("lists the commits that touched the bead, newest first, with their authors", async () => {
    const board = await cliBoard({ "beads/a.md": beadText(["title: A"]), "beads/b.md": beadText(["title: B"]) });
    await board.bead(["set", "a", "priority=1"]);
    await board.bead(["set", "b", "priority=1"]);
    await board.bead(["close", "a", "--reason", "done it"], { env: { BEAD_ACTOR: "Closer <closer@example.test>" } });
    const run = await board.bead(["log", "a", "--json"]);
    expect(run.code).toBe(0);
    const entries = JSON.parse(run.stdout) as LogEntry[];
    expect(entries.map((entry) => [entry.message, entry.author])).toEqual([
      ["close a: done it", "Closer <closer@example.test>"],
      ["set a priority=1", ACTOR],
      ["initial board", "Test Author <author@beadboard.test>"],
    ]);
    expect(entries[0]!.oid).toBe(board.head());
    expect(entries.every((entry) => !Number.isNaN(Date.parse(entry.date)))).toBe(true);
    const text = await board.bead(["log", "a"]);
    expect(text.stdout.split("\n")[0]).toMatch(/^[0-9a-f]{8} {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}Closer {2}close a: done it$/);
  });

  it("includes commits people made with git", async () => {
    const board = await cliBoard({ "beads/a.md": beadText(["title: A"]) });
    board.write("beads/a.md", beadText(["title: A, edited by hand"]));
    await board.gitAsync(["commit", "-qam", "hand edit"]);
    const entries = JSON.parse((await board.bead(["log", "a", "--json"])).stdout) as LogEntry[];
    expect(entries.map((entry) => entry.message)).toEqual(["hand edit", "initial board"]);
  });

  it("exits 2 for a bead with no history, and 1 for an id that is a path", async () => {
    const board = await cliBoard({ "beads/a.md": beadText(["title: A"]) });
    const ghost = await board.bead(["log", "ghost"]);
    expect(ghost.code).toBe(2);
    expect(ghost.stderr).toMatch(/history for bead not found: ghost \(beads\/ghost\.md was never committed\)/);
    board.write("beads/new.md", beadText(["title: not committed"]));
    expect((await board.bead(["log", "new"])).code).toBe(2);
    expect((await board.bead(["log", "../a"])).code).toBe(1);
    const empty = await cliBoard({}, { commit: false });
    const none = await empty.bead(["log", "a"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/the branch has no commits yet/);
  });
});
