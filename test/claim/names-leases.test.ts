/** Names and leases (issue 14, item 14): garbage holder names and unbounded leases are refused; lint names bad lease lines. */
import { afterEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "../cli/support.js";
import { holderNameProblem } from "../../src/bead/holder-rules.js";

afterEach(cleanupTempBoards);

describe("holder names and leases", () => {
  it("refuses empty, spaced, control-character and double-@ holder names, and leases over the 24 h maximum, writing nothing", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: A"]) });
    const head = b.head();
    for (const as of ["", " ", "a b", "bad\u0001name", "a@b@c", "@host", "x".repeat(65)]) {
      const run = await b.bead(["claim", "a", "--as", as, "--lease", "10m"]);
      expect(run.code, JSON.stringify(as)).not.toBe(0);
      expect(run.stderr).toMatch(/refused: a holder name/);
    }
    const forever = await b.bead(["claim", "a", "--as", "ann", "--lease", "999999d"]);
    expect(forever.code).not.toBe(0);
    expect(forever.stderr).toMatch(/over this board's maximum of 1440 min/);
    expect(b.head()).toBe(head);
    const ok = await b.bead(["claim", "a", "--as", "ann", "--lease", "24h"]);
    expect(ok.code).toBe(0);
    // A board may lower the maximum.
    b.write(".beadboard.yml", "max_lease: 1h\n");
    const over = await b.bead(["claim", "a", "--as", "ann", "--lease", "2h"]);
    expect(over.stderr).toMatch(/maximum of 60 min/);
  });

  it("a lease_until far in the future is not honoured: another holder can take the bead; lint names it, and lease_until: tomorrow", async () => {
    const b = await cliBoard({
      "beads/a.md": beadText(["title: A", "status: claimed", "claimed_by: squatter@vm", "lease_until: 2099-01-01T00:00:00Z"]),
      "beads/b.md": beadText(["title: B", "status: claimed", "claimed_by: ann@vm", "lease_until: tomorrow"]),
    });
    const lint = await b.bead(["lint"]);
    expect(lint.stdout).toMatch(/beads\/a\.md:\d+: lease_until 2099-01-01T00:00:00Z is more than 24 h ahead/);
    expect(lint.stdout).toMatch(/beads\/b\.md:\d+: lease_until: "tomorrow" is not a timestamp/);
    const take = await b.bead(["claim", "a", "--as", "bob", "--lease", "10m"]);
    expect(take.code).toBe(0);
    expect(b.read("beads/a.md")).toMatch(/claimed_by: bob@/);
  });

  it("holderNameProblem accepts the names agents use", () => {
    for (const name of ["coder", "coder@vm-1", "a.b_c-d@host.example"]) expect(holderNameProblem(name)).toBeUndefined();
  });
});
