/** Names and leases (issue 14, item 14): garbage holder names and unbounded leases are refused; lint names bad lease lines. */
import { afterEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "../cli/support.js";
import { claimantName, holderNameProblem, identityHolderName } from "../../src/bead/holder-rules.js";

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

  it("claim_as: git-identity: claims and releases only in the committer's own name, --as derived when left out", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: A"]), "beads/b.md": beadText(["title: B"]), ".beadboard.yml": "claim_as: git-identity\n" });
    const head = b.head();
    // BEAD_ACTOR is "Bead Tester <tester@example.test>": the holder name is "tester".
    for (const as of ["mallory", "ann@vm", "Bead Tester", "tester2"]) {
      const run = await b.bead(["claim", "a", "--as", as]);
      expect(run.code, as).toBe(1);
      expect(run.stderr).toMatch(/refused: this board requires holder names to match the git identity \(claim_as: git-identity in \.beadboard\.yml\); you are tester \(Bead Tester <tester@example\.test>\): use --as tester/);
      expect(run.stderr).not.toMatch(/bead reopen/);
    }
    expect(b.head()).toBe(head);
    const derived = await b.bead(["claim", "a", "--lease", "10m"], { env: { BEAD_HOST: "vm" } });
    expect(derived.code).toBe(0);
    expect(b.read("beads/a.md")).toMatch(/claimed_by: tester@vm/);
    const named = await b.bead(["claim", "b", "--as", "tester", "--lease", "10m"], { env: { BEAD_HOST: "vm" } });
    expect(named.code).toBe(0);
    // Nobody releases in another's name either; the owner can.
    const other = await b.bead(["release", "a", "--as", "mallory"], { env: { BEAD_HOST: "vm" } });
    expect(other.code).toBe(1);
    // A person who wants the bead back from its holder is pointed at the command for that.
    expect(other.stderr).toMatch(/to take a bead back from its holder, run bead reopen <id>/);
    expect(b.read("beads/a.md")).toMatch(/status: claimed/);
    const own = await b.bead(["release", "a"], { env: { BEAD_HOST: "vm" } });
    expect(own.code).toBe(0);
    expect(b.read("beads/a.md")).toMatch(/status: open/);
    // Another person (another git identity) cannot take b in tester's name.
    const bob = await b.bead(["release", "b", "--as", "tester"], { env: { BEAD_HOST: "vm", BEAD_ACTOR: "Bob <bob@example.test>" } });
    expect(bob.code).toBe(1);
    expect(bob.stderr).toMatch(/you are bob/);
  });

  it("without the setting --as stays required and any valid name may claim; a bad claim_as is a config error", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: A"]) });
    const missing = await b.bead(["claim", "a"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--as <name> is required/);
    b.write(".beadboard.yml", "claim_as: everyone\n");
    const bad = await b.bead(["claim", "a", "--as", "ann"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/claim_as must be any or git-identity/);
  });

  it("identityHolderName: the email's local part as a holder name; agents' identities give the agent name", () => {
    expect(identityHolderName({ name: "Ada Lovelace", email: "ada.l@example.com" })).toBe("ada.l");
    expect(identityHolderName({ name: "x", email: "a+b c@example.com" })).toBe("a-b-c");
    expect(identityHolderName({ name: "codemonkey", email: "codemonkey@vm.beadboard" })).toBe("codemonkey");
    expect(identityHolderName({ name: "Ann", email: "@nowhere" })).toBe("Ann");
    expect(holderNameProblem(identityHolderName({ name: "  ", email: "--" }))).toBeUndefined();
    expect(claimantName("coder@vm", "any", { name: "x", email: "y@z" })).toBe("coder@vm");
    expect(claimantName("tester@other-host", "git-identity", { name: "T", email: "tester@x" })).toBe("tester@other-host");
  });
});
