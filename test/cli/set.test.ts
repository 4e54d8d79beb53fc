import { afterEach, describe, expect, it } from "vitest";
import { parseBead } from "../../src/bead/parse.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard, lastCommitFiles, type CliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const A = beadText(["title: Alpha   # the person's comment", "status: open", "priority: 2", "labels: [web]", "estimate: 3h"], "Body.\n");
const fieldsOf = (board: CliBoard, id = "a") => parseBead(board.read(`beads/${id}.md`), id).fields;

async function board(): Promise<CliBoard> {
  return cliBoard({ "beads/a.md": A, "README.md": "readme\n" });
}

describe("bead set", () => {
  it("sets fields surgically: only the changed values (and `updated`) differ, comments and order stay", async () => {
    const b = await board();
    const run = await b.bead(["set", "a", "priority=1", "status=blocked"]);
    expect(run).toMatchObject({ code: 0, stdout: "a: updated\n" });
    const text = b.read("beads/a.md");
    expect(text.replace(/\nupdated: .*\n/, "\n")).toBe(A.replace("priority: 2", "priority: 1").replace("status: open", "status: blocked"));
    expect(fieldsOf(b).updated).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(lastCommitFiles(b)).toEqual(["beads/a.md"]);
    expect(b.git(["log", "-1", "--format=%s"]).trim()).toBe("set a priority=1 status=blocked");
    expect(b.git(["status", "--porcelain"])).toBe("");
  });

  it("parses values as they would read in the file: numbers, booleans, flow lists; everything else is text", async () => {
    const b = await board();
    const run = await b.bead(["set", "a", "labels=[web, ops]", "deps=[]", "reviewed=true", "title=Fix: the login page", "note=- not a list", "owner=#1 fan", "quoted='007'"]);
    expect(run.code).toBe(0);
    expect(fieldsOf(b)).toMatchObject({ labels: ["web", "ops"], deps: [], reviewed: true, title: "Fix: the login page", note: "- not a list", owner: "#1 fan", quoted: "007" });
  });

  it("removes a field with key=", async () => {
    const b = await board();
    expect((await b.bead(["set", "a", "estimate=", "labels="])).code).toBe(0);
    const fields = fieldsOf(b);
    expect(fields.estimate).toBeUndefined();
    expect(fields.labels).toEqual([]);
    expect(b.read("beads/a.md")).not.toMatch(/estimate|labels/);
  });

  it("commits nothing when the values are already set", async () => {
    const b = await board();
    const head = b.head();
    const run = await b.bead(["set", "a", "priority=2", "status=open"]);
    expect(run).toMatchObject({ code: 0, stdout: "a: unchanged\n" });
    expect(b.head()).toBe(head);
    expect(b.read("beads/a.md")).toBe(A);
  });

  it.each([
    [["claimed_by=me"], /claimed_by is managed by the claim protocol/],
    [["claimed_at=2025-01-01"], /claimed_at is managed by the claim protocol/],
    [["lease_until=2099-01-01"], /lease_until is managed by the claim protocol/],
    [["id=other"], /id is managed by the claim protocol/],
    [["status=claimed"], /use `bead claim <id> --as <name>`/],
    [["status=\"claimed\""], /use `bead claim <id> --as <name>`/],
    [["priority"], /expected key=value, got "priority"/],
    [["=3"], /expected key=value/],
    [["bad key=1"], /"bad key" is not a field name/],
    [["priority=9"], /beads\/a\.md: refused, the change would make the bead invalid: priority must be from 0/],
    [["status=doing"], /refused, .*status must be one of/],
    [["title="], /refused, .*title is missing/],
  ])("refuses %j with exit 1, changing nothing", async (assignments, message) => {
    const b = await board();
    const head = b.head();
    const run = await b.bead(["set", "a", ...assignments]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(b.read("beads/a.md")).toBe(A);
    expect(b.head()).toBe(head);
  });

  it("exits 2 for a bead that does not exist", async () => {
    const b = await board();
    const run = await b.bead(["set", "ghost", "priority=1"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("bead: bead not found: ghost (no file beads/ghost.md)\n");
  });

  it("keeps a person's other work out of its commit", async () => {
    const b = await board();
    b.write("README.md", "edited, not staged\n");
    b.write("new.txt", "staged\n");
    await b.gitAsync(["add", "new.txt"]);
    expect((await b.bead(["set", "a", "priority=0"])).code).toBe(0);
    expect(lastCommitFiles(b)).toEqual(["beads/a.md"]);
    expect(b.git(["status", "--porcelain"])).toBe(" M README.md\nA  new.txt\n");
  });
});

describe("bead close / reopen", () => {
  it("close marks the bead done with an optional reason, and reopen puts it back", async () => {
    const b = await board();
    const closed = await b.bead(["close", "a", "--reason", "shipped in v2"]);
    expect(closed).toMatchObject({ code: 0, stdout: "a: done\n" });
    expect(fieldsOf(b)).toMatchObject({ status: "done", reason: "shipped in v2" });
    expect(b.git(["log", "-1", "--format=%s"]).trim()).toBe("close a: shipped in v2");
    const reopened = await b.bead(["reopen", "a"]);
    expect(reopened).toMatchObject({ code: 0, stdout: "a: open\n" });
    expect(fieldsOf(b).status).toBe("open");
    expect(fieldsOf(b).reason).toBeUndefined();
    expect(b.read("beads/a.md")).toContain("title: Alpha   # the person's comment\n");
  });

  it("reopen clears a claim", async () => {
    const b = await cliBoard({ "beads/c.md": beadText(["title: C", "status: claimed", "claimed_by: x@host", "claimed_at: 2025-01-01T00:00:00Z", "lease_until: 2025-01-01T00:15:00Z"]) });
    expect((await b.bead(["reopen", "c"])).code).toBe(0);
    const fields = fieldsOf(b, "c");
    expect(fields.status).toBe("open");
    expect([fields.claimed_by, fields.claimed_at, fields.lease_until]).toEqual([undefined, undefined, undefined]);
  });

  it("closing a bead that is already done commits nothing", async () => {
    const b = await board();
    await b.bead(["close", "a"]);
    const head = b.head();
    expect(await b.bead(["close", "a"])).toMatchObject({ code: 0, stdout: "a: already done\n" });
    expect(b.head()).toBe(head);
  });

  it("exit 2 for unknown ids, 1 for ids that are paths", async () => {
    const b = await board();
    expect((await b.bead(["close", "ghost"])).code).toBe(2);
    expect((await b.bead(["reopen", "ghost"])).code).toBe(2);
    expect((await b.bead(["close", "../a"])).code).toBe(1);
  });
});
