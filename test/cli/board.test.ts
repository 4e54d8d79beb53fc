import { afterEach, describe, expect, it } from "vitest";
import { renderBoard } from "../../src/cli/commands/board-view.js";
import { beadText, makeBead } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const width = (line: string) => Array.from(line).length;

const FILES: Record<string, string> = {
  "beads/open-1.md": beadText(["title: A fairly long title that will not fit in a narrow column at all", "priority: 0"]),
  "beads/open-2.md": beadText(["title: Second open bead"]),
  "beads/held.md": beadText(["title: Being worked", "status: claimed", "claimed_by: codemonkey@host-1", "lease_until: 2099-01-01T00:00:00Z"]),
  "beads/stuck.md": beadText(["title: Waiting", "status: blocked"]),
  "beads/shipped.md": beadText(["title: Shipped", "status: done"]),
  "beads/broke.md": beadText(["title: |", "  A title", "  on two lines", "status: failed"]),
};

describe("bead board", () => {
  it.each([200, 120, 80, 60, 40, 20, 5])("fits %i columns: no line is longer", async (columns) => {
    const board = await cliBoard(FILES);
    const run = await board.bead(["board"], { columns });
    expect(run.code).toBe(0);
    for (const line of run.stdout.trimEnd().split("\n")) expect(width(line), JSON.stringify(line)).toBeLessThanOrEqual(columns);
    for (const heading of ["OPEN (2)", "CLAIMED (1)", "BLOCKED (1)", "DONE (1)", "FAILED (1)"]) {
      if (columns >= 20) expect(run.stdout).toContain(heading);
    }
  });

  it("shows beads in their status column, most urgent first, with who holds a claim", async () => {
    const board = await cliBoard(FILES);
    const lines = (await board.bead(["board"], { columns: 200 })).stdout.split("\n");
    expect(lines[0]).toMatch(/^OPEN \(2\)\s+│ CLAIMED \(1\)\s+│ BLOCKED \(1\)\s+│ DONE \(1\)\s+│ FAILED \(1\)\s*$/);
    expect(lines[2]).toMatch(/^P0 open-1 A fairly long .*│ P2 held @codemonkey Being worked\s+│ P2 stuck Waiting\s+│ P2 shipped Shipped\s+│ P2 broke A title on two lines$/);
    expect(lines[3]).toMatch(/^P2 open-2 Second open bead\s+│/);
  });

  it("stacks the columns when the terminal is too narrow for them side by side", () => {
    const out = renderBoard([makeBead("a", { title: "Alpha" }), makeBead("b", { status: "done", title: "Bravo" })], 30);
    expect(out).toBe("OPEN (1)\n  P2 a Alpha\nCLAIMED (0)\nBLOCKED (0)\nDONE (1)\n  P2 b Bravo\nFAILED (0)\n");
  });

  it("says how many beads did not fit", () => {
    const many = Array.from({ length: 25 }, (_, i) => makeBead(`b${String(i).padStart(2, "0")}`));
    const lines = renderBoard(many, 100).trimEnd().split("\n");
    expect(lines).toHaveLength(2 + 20 + 1);
    expect(lines[22]).toMatch(/^… 5 more/);
  });
});
