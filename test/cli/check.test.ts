import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const BODY = "Do it.\n\n- [x] plan\n- [ ] build\n\n## Acceptance\n- [ ] tests pass\n";

describe("bead check / uncheck, checklist progress, close gate", () => {
  it("ls and show show progress; check ticks one item in one commit", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: Alpha"], BODY), "beads/b.md": beadText(["title: Bravo"]) });
    expect((await b.bead(["ls"])).stdout).toMatch(/Alpha \(1\/3\)\n.*Bravo\n$/);
    expect((await b.bead(["show", "a"])).stdout).toMatch(/checklist: 1\/3/);
    const run = await b.bead(["check", "a", "2"]);
    expect(run).toMatchObject({ code: 0, stdout: "a: item 2 checked (2/3)\n" });
    expect(readFileSync(join(b.dir, "beads/a.md"), "utf8")).toContain("- [x] plan\n- [x] build\n");
    expect(b.git(["log", "-1", "--format=%s"]).trim()).toBe("check a item 2");
    expect((await b.bead(["uncheck", "a", "1"])).stdout).toBe("a: item 1 unchecked (1/3)\n");
    const shown = JSON.parse((await b.bead(["show", "a", "--json"])).stdout);
    expect(shown.checklist).toEqual([
      { n: 1, checked: false, text: "plan", acceptance: false },
      { n: 2, checked: true, text: "build", acceptance: false },
      { n: 3, checked: false, text: "tests pass", acceptance: true },
    ]);
  });

  it("refuses a number that is not an item, writing nothing", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: Alpha"], BODY) });
    const head = b.head();
    expect((await b.bead(["check", "a", "9"])).stderr).toMatch(/no checklist item 9; the bead has items 1 to 3/);
    expect((await b.bead(["check", "a", "x"])).code).toBe(1);
    expect(b.head()).toBe(head);
  });

  it("close refuses while acceptance items are open, names them, and --force closes anyway", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: Alpha"], BODY) });
    const refused = await b.bead(["close", "a"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/1 acceptance item\(s\) still open \(3: tests pass\).*bead check a <n>.*--force/);
    expect(readFileSync(join(b.dir, "beads/a.md"), "utf8")).not.toMatch(/status: done/);
    await b.bead(["check", "a", "3"]);
    expect((await b.bead(["close", "a"])).stdout).toBe("a: done\n");
    const other = await cliBoard({ "beads/a.md": beadText(["title: Alpha"], BODY) });
    expect((await other.bead(["close", "a", "--force"])).stdout).toBe("a: done\n");
    expect(other.git(["log", "-1", "--format=%s"]).trim()).toBe("close a (forced)");
  });
});
