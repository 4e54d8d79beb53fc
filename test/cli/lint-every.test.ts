import { afterEach, describe, expect, it } from "vitest";
import { beadFileProblems, conflictProblems, templateWarnings } from "../../src/bead/lint-file.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "./support.js";

afterEach(cleanupTempBoards);

describe("every problem of a file", () => {
  it("reports each invalid field, each at its line", () => {
    const text = "---\ntitle: T\nstatus: doing\npriority: 9\ntype: thing\n---\n";
    const problems = beadFileProblems(text, "beads/t.md", "t");
    expect(problems.map((problem) => problem.line)).toEqual([3, 4, 5]);
    expect(problems.map((problem) => problem.reason).join("\n")).toMatch(/status[\s\S]*priority[\s\S]*type/);
  });

  it("gives git conflict markers their own message, one per conflict", () => {
    const text = "---\ntitle: T\n<<<<<<< HEAD\nstatus: open\n=======\nstatus: done\n>>>>>>> theirs\n---\nbody\n";
    expect(beadFileProblems(text, "beads/t.md", "t")).toEqual([{ line: 3, reason: expect.stringMatching(/unresolved git conflict/), fix: expect.stringMatching(/delete the marker lines/) }]);
    expect(conflictProblems("a\n>>>>>>> x\n")).toEqual([{ line: 2, reason: "stray git conflict marker >>>>>>>", fix: "delete the marker line" }]);
    expect(conflictProblems("a heading\n=======\n")).toEqual([]); // a setext underline is not a marker
  });

  it("warns about {{x.result}} naming a bead that is not a dep", () => {
    expect(templateWarnings("Use {{a.result}} and {{b.result}}.\n", ["a"], 5)).toEqual([{ line: 5, reason: expect.stringMatching(/\{\{b\.result\}\} names b, which is not a dep/), fix: expect.any(String) }]);
  });
});

describe("bead lint", () => {
  it("prints every problem of a broken file and a conflicted one, exit 1; warnings alone exit 0", async () => {
    const b = await cliBoard({
      "beads/bad.md": beadText(["title: Bad", "status: doing", "priority: high"]),
      "beads/conflict.md": "---\ntitle: C\n<<<<<<< HEAD\nstatus: open\n=======\nstatus: done\n>>>>>>> other\n---\n",
      "beads/ok.md": beadText(["title: Ok"]),
    });
    const run = await b.bead(["lint"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^beads\/bad\.md:3: .*status.*\nbeads\/bad\.md:4: .*priority.*\nbeads\/conflict\.md:3: unresolved git conflict/m);
    const warned = await cliBoard({ "beads/a.md": beadText(["title: A"], "See {{z.result}}.\n"), "beads/z.md": beadText(["title: Z"]) });
    const lint = await warned.bead(["lint"]);
    expect(lint.code).toBe(0);
    expect(lint.stdout).toBe("beads/a.md:4: warning: {{z.result}} names z, which is not a dep: it will not be filled in (bead dep add <this-id> z, or remove the placeholder)\n");
    expect(lint.stderr).toMatch(/1 warning/);
    const asJson = JSON.parse((await warned.bead(["lint", "--json"])).stdout);
    expect(asJson).toEqual([expect.objectContaining({ path: "beads/a.md", line: 4, severity: "warning" })]);
  });

  it("an unreadable schedule is an error at its line; a good one passes", async () => {
    const b = await cliBoard({ "beads/bad.md": beadText(["title: Bad", 'schedule: "0 25 * * *"']), "beads/good.md": beadText(["title: Good", 'schedule: "0 9 * * 1-5"']) });
    const run = await b.bead(["lint"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^beads\/bad\.md:3: schedule "0 25 \* \* \*": .*hour.*\(write five cron fields in UTC/);
    expect(run.stdout).not.toMatch(/good\.md/);
  });
});
