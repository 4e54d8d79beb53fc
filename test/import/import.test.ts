import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "../cli/support.js";

afterEach(cleanupTempBoards);

/** Made by the real Backlog.md CLI 1.52.0: see test/fixtures/backlog/README.md. */
const BACKLOG = fileURLToPath(new URL("../fixtures/backlog", import.meta.url));

// bd's JSONL export, one issue per line, in the shape of steveyegge/beads' types (Issue, Dependency, Comment).
const BD = [
  { id: "bd-a1", title: "Parser", description: "Write the parser.", status: "closed", priority: 1, issue_type: "feature", labels: ["core"], created_at: "2025-01-01T10:00:00Z", close_reason: "shipped" },
  { id: "bd-b2", title: "CLI", description: "Wire the CLI.", acceptance_criteria: "- [ ] help text", status: "in_progress", priority: 0, issue_type: "task", assignee: "bob", dependencies: [{ issue_id: "bd-b2", depends_on_id: "bd-a1", type: "blocks" }, { issue_id: "bd-b2", depends_on_id: "bd-zz", type: "blocks" }], comments: [{ id: 1, issue_id: "bd-b2", author: "ann", text: "Use commander.", created_at: "2025-01-02T00:00:00Z" }] },
  { id: "bd-c3", title: "Deleted", status: "tombstone" },
  { id: "bd-d4", title: "Follow-up", status: "open", priority: 3, issue_type: "bug", dependencies: [{ issue_id: "bd-d4", depends_on_id: "bd-a1", type: "discovered-from" }, { issue_id: "bd-d4", depends_on_id: "bd-b2", type: "related" }] },
]
  .map((issue) => JSON.stringify(issue))
  .join("\n");

describe("bead import --from backlog (files made by the backlog CLI)", () => {
  it("maps ids, status, priority, labels, deps and bodies; acceptance criteria become the acceptance checklist; a re-run adds nothing", async () => {
    const b = await cliBoard({ "beads/keep.md": beadText(["title: Already here"]) });
    const run = await b.bead(["import", BACKLOG, "--from", "backlog"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("TASK-1 -> task-1\nTASK-2 -> task-2\nTASK-3 -> task-3\nimported 3, skipped 0 already imported\n");
    expect(b.git(["log", "-1", "--format=%s"]).trim()).toBe("import 3 bead(s) from backlog");
    const show = async (id: string) => JSON.parse((await b.bead(["show", id, "--json"])).stdout);
    expect(await show("task-1")).toMatchObject({ title: "Set up CI", status: "open", priority: 1, labels: ["ops", "ci"], imported_from: "backlog:TASK-1", created: "2026-12-05T20:29:00Z" });
    expect(await show("task-2")).toMatchObject({ title: "Fix login: session cookie", deps: ["task-1"], priority: 2, assignee: "alice", imported_status: "In Progress" });
    expect(await show("task-3")).toMatchObject({ status: "done", priority: 3 });
    const first = await show("task-1");
    expect(first.body).not.toMatch(/SECTION:|AC:BEGIN/);
    expect(first.checklist).toEqual([
      { n: 1, checked: false, text: "#1 Tests run on push", acceptance: true },
      { n: 2, checked: false, text: "#2 Badge in README", acceptance: true },
    ]);
    expect((await b.bead(["close", "task-1"])).stderr).toMatch(/acceptance item/);
    expect((await b.bead(["lint"])).code).toBe(0);
    const head = b.head();
    const again = await b.bead(["import", BACKLOG, "--from", "backlog", "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: [], skipped: [{ id: "task-1", sourceId: "TASK-1" }, { id: "task-2", sourceId: "TASK-2" }, { id: "task-3", sourceId: "TASK-3" }] });
    expect(b.head()).toBe(head);
  });

  it("gives a new id when the source id is taken by another bead", async () => {
    const b = await cliBoard({ "beads/task-1.md": beadText(["title: Mine"]) });
    const dir = join(b.dir, ".git", "backlog-copy");
    cpSync(BACKLOG, dir, { recursive: true });
    const run = JSON.parse((await b.bead(["import", dir, "--from", "backlog", "--json"])).stdout);
    expect(run.imported[0]).toEqual({ id: "task-1-2", sourceId: "TASK-1" });
    expect(JSON.parse((await b.bead(["show", "task-2", "--json"])).stdout).deps).toEqual(["task-1-2"]);
  });
});

describe("bead import --from beads (bd JSONL)", () => {
  it("maps status, priority, type, labels, blocking deps, bodies and comments; skips tombstones; reports dropped deps; re-run adds nothing", async () => {
    const b = await cliBoard({});
    const file = join(b.dir, ".git", "issues.jsonl");
    writeFileSync(file, `${BD}\n`);
    const run = await b.bead(["import", file, "--from", "beads"]);
    expect(run.stdout).toBe("bd-a1 -> bd-a1\nbd-b2 -> bd-b2\nbd-d4 -> bd-d4\nimported 3, skipped 0 already imported\nnote: bd-b2 depends on bd-zz, which is not in the import nor on the board: dep left out\n");
    const show = async (id: string) => JSON.parse((await b.bead(["show", id, "--json"])).stdout);
    expect(await show("bd-a1")).toMatchObject({ status: "done", priority: 1, type: "task", imported_type: "feature", labels: ["core"], reason: "shipped" });
    const cli = await show("bd-b2");
    expect(cli).toMatchObject({ status: "open", priority: 0, deps: ["bd-a1"], assignee: "bob", imported_status: "in_progress" });
    expect(cli.comments).toEqual([{ author: "ann", at: "2025-01-02T00:00:00Z", text: "Use commander." }]);
    expect(cli.checklist).toEqual([{ n: 1, checked: false, text: "help text", acceptance: true }]);
    expect(await show("bd-d4")).toMatchObject({ type: "bug", discovered_from: "bd-a1", deps: [] });
    // A `related` link is not a dep: kept as text, so nothing bd knew is lost.
    expect(b.read("beads/bd-d4.md")).toContain("## Related in bd\n- bd-b2 (related)\n");
    expect((await b.bead(["show", "bd-c3"])).code).toBe(2);
    expect(JSON.parse((await b.bead(["import", file, "--from", "beads", "--json"])).stdout).imported).toEqual([]);
  });

  it("names the file and line of a bad line and writes nothing", async () => {
    const b = await cliBoard({});
    const head = b.head();
    const file = join(b.dir, ".git", "bad.jsonl");
    writeFileSync(file, `${JSON.stringify({ id: "x", title: "ok" })}\n{not json\n`);
    const run = await b.bead(["import", file, "--from", "beads"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bad\.jsonl:2: not JSON/);
    expect(b.head()).toBe(head);
    expect((await b.bead(["import", file, "--from", "jira"])).stderr).toMatch(/--from must be backlog or beads/);
  });
});

describe("bead export", () => {
  it("jsonl: one show --json object per line; md: a section per bead", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: Alpha", "priority: 1"], "Body.\n\n## Result\nok\n"), "beads/b.md": beadText(["title: Bravo", "labels: [x]"]) });
    const lines = (await b.bead(["export", "--format", "jsonl"])).stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(lines.map((bead) => [bead.id, bead.title, bead.body])).toEqual([
      ["a", "Alpha", "Body.\n\n## Result\nok\n"],
      ["b", "Bravo", ""],
    ]);
    const md = (await b.bead(["export", "--format", "md"])).stdout;
    expect(md).toBe("# Beads\n\n## a: Alpha\n\nstatus: open · priority: 1 · type: task\n\nBody.\n\n### Result\nok\n\n## b: Bravo\n\nstatus: open · priority: 2 · type: task · labels: x\n");
    expect(readFileSync(join(b.dir, "beads/a.md"), "utf8")).toContain("## Result");
  });
});
