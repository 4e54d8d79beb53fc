/** Escalations people can see and decide (issue 14, item 16): ls --escalated, markers, approve/deny as commits. */
import { afterEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "./support.js";

afterEach(cleanupTempBoards);

describe("escalations", () => {
  it("ls --escalated lists only beads waiting for a person; ls and show mark them", async () => {
    const b = await cliBoard({
      "beads/wait.md": beadText(["title: Needs the big model", "tier: complex", "escalation: requested"]),
      "beads/done.md": beadText(["title: Decided", "escalation: approved"]),
      "beads/plain.md": beadText(["title: Plain"]),
    });
    const json = await b.bead(["ls", "--escalated", "--json"]);
    expect((JSON.parse(json.stdout) as Array<{ id: string }>).map((bead) => bead.id)).toEqual(["wait"]);
    const table = await b.bead(["ls"]);
    expect(table.stdout).toMatch(/^wait .*\[approve\?\] Needs the big model$/m);
    expect(table.stdout).toMatch(/^plain .* Plain$/m);
    expect(table.stdout).not.toMatch(/approve\?\] (Plain|Decided)/);
    const show = await b.bead(["show", "wait"]);
    expect(show.stdout).toContain("escalation requested: waiting for a person: `bead approve wait`");
    const board = await b.bead(["board"], { columns: 200 });
    expect(board.stdout).toMatch(/P2 wait \[approve\?\] Needs/);
    expect(board.stdout).not.toMatch(/plain \[approve\?\]/);
  });

  it("approve and deny each make one commit; deny records the reason; a repeat changes nothing", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: A", "escalation: requested"]), "beads/b.md": beadText(["title: B", "escalation: requested"]) });
    const before = b.head();
    expect((await b.bead(["approve", "a"])).stdout).toBe("a: escalation approved\n");
    expect(b.read("beads/a.md")).toMatch(/^escalation: approved$/m);
    expect(b.git(["log", "-1", "--format=%s"]).trim()).toBe("approve a: remote model allowed");
    expect((await b.bead(["deny", "b", "contains customer data"])).code).toBe(0);
    expect(b.read("beads/b.md")).toMatch(/^escalation: denied$/m);
    expect(b.read("beads/b.md")).toMatch(/^reason: contains customer data$/m);
    expect(b.git(["log", "-1", "--format=%s"]).trim()).toBe("deny b: contains customer data");
    expect(b.git(["rev-list", "--count", `${before}..HEAD`]).trim()).toBe("2");
    expect((await b.bead(["approve", "a"])).stdout).toBe("a: already approved\n");
    expect((await b.bead(["ls", "--escalated", "--json"])).stdout.trim()).toBe("[]");
    expect((await b.bead(["approve", "nope"])).code).not.toBe(0);
  });
});
