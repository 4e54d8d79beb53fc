import { afterEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const GOOD = {
  "beads/ok.md": beadText(["title: Fine", "deps: [base]"]),
  "beads/base.md": beadText(["title: Base"]),
  "agents/reporter.md": "---\nname: reporter\nprovider: builtin\naction: report\n---\nWrites reports.\n",
};

describe("bead lint", () => {
  it("exits 0 and prints nothing for a sound board", async () => {
    const board = await cliBoard(GOOD);
    expect(await board.bead(["lint"])).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(await board.bead(["lint", "--json"])).toMatchObject({ code: 0, stdout: "[]\n" });
  });

  it.each([
    ["bad YAML", "beads/x.md", beadText(["title: t", "labels: [a, b"]), /^beads\/x\.md:3: invalid YAML: /],
    ["an unclosed front-matter", "beads/x.md", "---\ntitle: t\n\nbody\n", /^beads\/x\.md:1: front-matter opened on line 1 is never closed/],
    ["an unknown status", "beads/x.md", beadText(["title: t", "status: doing"]), /^beads\/x\.md:3: status must be one of open, claimed/],
    ["an unknown type", "beads/x.md", beadText(["title: t", "priority: 1", "type: feature"]), /^beads\/x\.md:4: type must be one of task, bug/],
    ["a bad priority", "beads/x.md", beadText(["title: t", "priority: 9"]), /^beads\/x\.md:3: priority must be from 0 \(urgent\) to 4 \(someday\)/],
    ["an unknown dep", "beads/x.md", beadText(["title: t", "", "deps: [base, ghost]"]), /^beads\/x\.md:4: unknown dep ghost: no bead beads\/ghost\.md/],
    ["a self-dependency", "beads/x.md", beadText(["title: t", "deps: [x]"]), /^beads\/x\.md:3: dependency cycle: x -> x/],
    ["an id mismatch", "beads/x.md", beadText(["title: t", "id: y"]), /^beads\/x\.md:3: id mismatch: the file says id y but its name makes it x/],
    ["a bad file name", "beads/not an id.md", beadText(["title: t"]), /^beads\/not an id\.md:1: file name is not a valid bead id/],
    ["a binary .md", "beads/x.md", "---\ntitle: t\n---\n\u0000\u0000", /^beads\/x\.md:1: binary file in beads\//],
    ["a .png in beads/", "beads/shot.png", "\u0089PNG\r\n\u001a\n\u0000\u0000", /^beads\/shot\.png:1: not a bead file/],
    ["an agent file with broken YAML", "agents/bot.md", "---\nname: bot\nmodel: [x\n---\n", /^agents\/bot\.md:3: invalid YAML/],
    ["an agent file whose name does not match", "agents/bot.md", "---\nname: other\nprovider: builtin\naction: report\n---\n", /^agents\/bot\.md:2: name other does not match the file name bot\.md/],
  ])("reports %s as path:line: reason and exits 1", async (_name, path, text, line) => {
    const board = await cliBoard({ ...GOOD, [path]: text });
    const run = await board.bead(["lint"]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(run.stderr).toMatch(/^1 problem\(s\); the board keeps working around these files/);
  });

  it("reports every member of a cycle, and ids that differ only in case", async () => {
    const board = await cliBoard({
      ...GOOD,
      "beads/p.md": beadText(["title: P", "deps: [q]"]),
      "beads/q.md": beadText(["title: Q", "deps: [p]"]),
      "beads/Base.md": beadText(["title: Base again"]),
    });
    const run = await board.bead(["lint"]);
    expect(run.code).toBe(1);
    expect(run.stdout.trimEnd().split("\n")).toEqual([
      "beads/p.md:3: dependency cycle: p -> q -> p (remove one of these deps)",
      "beads/q.md:3: dependency cycle: p -> q -> p (remove one of these deps)",
      "beads/base.md:1: duplicate id: base and Base differ only in case (rename one of the files)",
    ]);
  });

  it("prints problems as JSON with --json", async () => {
    const board = await cliBoard({ ...GOOD, "beads/x.md": beadText(["title: t", "status: doing"]) });
    const run = await board.bead(["lint", "--json"]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual([{ path: "beads/x.md", line: 3, reason: "status must be one of open, claimed, done, failed, blocked, cancelled" }]);
  });

  it("checks only the given paths", async () => {
    const board = await cliBoard({ ...GOOD, "beads/x.md": beadText(["title: t", "status: doing"]), "beads/y.md": beadText(["title: t", "type: nope"]) });
    const run = await board.bead(["lint", "beads/y.md"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^beads\/y\.md:3: type must be/);
    expect(run.stdout).not.toContain("beads/x.md");
    expect((await board.bead(["lint", "beads/ok.md"])).code).toBe(0);
  });

  it("--staged checks what is staged, not the working copy", async () => {
    const board = await cliBoard(GOOD);
    board.write("beads/new.md", beadText(["title: t", "status: doing"]));
    await board.gitAsync(["add", "beads/new.md"]);
    board.write("beads/new.md", beadText(["title: fixed in the working copy only"]));
    const staged = await board.bead(["lint", "--staged"]);
    expect(staged.code).toBe(1);
    expect(staged.stdout).toMatch(/^beads\/new\.md:3: status must be one of/);
    expect((await board.bead(["lint"])).code).toBe(0);
  });

  it("changes nothing on disk or in git", async () => {
    const board = await cliBoard({ ...GOOD, "beads/x.md": beadText(["title: t", "status: doing"]) });
    const before = board.snapshot();
    const head = board.head();
    await board.bead(["lint"]);
    expect(board.snapshot()).toEqual(before);
    expect(board.head()).toBe(head);
  });
});
