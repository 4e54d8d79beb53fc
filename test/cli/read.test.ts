import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard, type CliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const FILES = {
  "beads/a.md": beadText(["title: Alpha", "priority: 1", "labels: [web]", "agent: romanov", "created: 2025-01-02T00:00:00Z"]),
  "beads/b.md": beadText(["title: Bravo", "priority: 1", "created: 2025-01-01T00:00:00Z"]),
  "beads/c.md": beadText(["title: Charlie", "priority: 0", "deps: [d]", "created: 2025-01-01T00:00:00Z"]),
  "beads/d.md": beadText(["title: Delta", "priority: 3", "created: 2025-01-01T00:00:00Z"]),
  "beads/e.md": beadText(["title: Echo", "status: done", "labels: [web, ops]", "created: 2025-01-01T00:00:00Z"]),
  "beads/f.md": beadText(["title: Foxtrot", "estimate: 3h  # kept", "created: 2025-01-03T00:00:00Z"], "The body.\n\n## Notes\nmore\n"),
  "beads/bad.md": beadText(["title: Broken", "status: doing"]),
};

async function board(): Promise<CliBoard> {
  return cliBoard(FILES);
}

async function json<T>(b: CliBoard, args: string[]): Promise<T> {
  const run = await b.bead([...args, "--json"]);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as T;
}

type BeadJson = Record<string, unknown> & { id: string; path: string };
const idsOf = (beads: BeadJson[]) => beads.map((bead) => bead.id);

describe("bead ls", () => {
  it("--json prints every valid bead with id, path and every front-matter field (defaults and unknown keys too)", async () => {
    const b = await board();
    const beads = await json<BeadJson[]>(b, ["ls"]);
    expect(idsOf(beads)).toEqual(["c", "b", "a", "e", "f", "d"]);
    expect(beads.find((bead) => bead.id === "f")).toEqual({
      id: "f",
      path: "beads/f.md",
      title: "Foxtrot",
      status: "open",
      priority: 2,
      type: "task",
      labels: [],
      deps: [],
      sensitivity: "internal",
      attempts: 0,
      estimate: "3h",
      created: "2025-01-03T00:00:00Z",
    });
    expect(beads.every((bead) => !("body" in bead))).toBe(true);
  });

  it("filters by status (repeatable), agent and label", async () => {
    const b = await board();
    expect(idsOf(await json(b, ["ls", "--status", "done"]))).toEqual(["e"]);
    expect(idsOf(await json(b, ["ls", "--status", "done", "--status", "open", "--label", "web"]))).toEqual(["a", "e"]);
    expect(idsOf(await json(b, ["ls", "--agent", "romanov"]))).toEqual(["a"]);
    expect(idsOf(await json(b, ["ls", "--label", "web", "--label", "ops"]))).toEqual(["e"]);
    expect(await json(b, ["ls", "--label", "nothing"])).toEqual([]);
  });

  it("refuses an unknown status with exit 1", async () => {
    const run = await (await board()).bead(["ls", "--status", "doing"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Allowed choices are open, claimed, done/);
  });

  it("prints a table, and says on stderr that invalid files were skipped", async () => {
    const run = await (await board()).bead(["ls"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+P\s+TYPE\s+AGENT\s+TITLE$/);
    expect(lines[1]).toMatch(/^c\s+open\s+0\s+task\s+Charlie$/);
    expect(lines).toHaveLength(7);
    expect(run.stderr).toBe("1 invalid bead file(s) skipped; run `bead lint` for details\n");
  });

  it("works from another directory with -C, and fails clearly outside a git repo", async () => {
    const b = await board();
    const elsewhere = realpathSync(mkdtempSync(join(tmpdir(), "beadboard-elsewhere-")));
    try {
      const viaC = await runCli(["ls", "--json", "-C", b.dir], { cwd: elsewhere });
      expect(idsOf(JSON.parse(viaC.stdout) as BeadJson[])).toHaveLength(6);
      const outside = await runCli(["ls"], { cwd: elsewhere });
      expect(outside.code).toBe(1);
      expect(outside.stderr).toMatch(/is not inside a git repository \(run `bead init` there first\)/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe("bead ready", () => {
  it("lists open beads whose deps are done, by priority then age", async () => {
    const b = await board();
    expect(idsOf(await json(b, ["ready"]))).toEqual(["b", "a", "f", "d"]);
    await b.bead(["close", "d"]);
    expect(idsOf(await json(b, ["ready"]))).toEqual(["c", "b", "a", "f"]);
  });

  it("--agent keeps beads for that agent and unassigned ones", async () => {
    const b = await board();
    expect(idsOf(await json(b, ["ready", "--agent", "codemonkey"]))).toEqual(["b", "f", "d"]);
    expect(idsOf(await json(b, ["ready", "--agent", "romanov"]))).toEqual(["b", "a", "f", "d"]);
  });

  it("has the same JSON shape as ls", async () => {
    const b = await board();
    const ls = await json<BeadJson[]>(b, ["ls"]);
    for (const bead of await json<BeadJson[]>(b, ["ready"])) expect(bead).toEqual(ls.find((other) => other.id === bead.id));
  });
});

describe("bead blocked", () => {
  it("lists what waits, with its blockers", async () => {
    const b = await board();
    const blocked = await json<Array<BeadJson & { blockers: unknown[] }>>(b, ["blocked"]);
    expect(blocked.map((bead) => [bead.id, bead.blockers])).toEqual([["c", [{ id: "d", status: "open" }]]]);
    expect((await b.bead(["blocked"])).stdout).toBe("c  Charlie\n    waiting on: d (open)\n");
  });
});

describe("bead show", () => {
  it("--json adds the body (and comments and checklist, issue 17) to the ls shape", async () => {
    const b = await board();
    const ls = await json<BeadJson[]>(b, ["ls"]);
    const shown = await json<BeadJson>(b, ["show", "f"]);
    expect(shown).toEqual({ ...ls.find((bead) => bead.id === "f"), body: "The body.\n\n## Notes\nmore\n", comments: [], checklist: [] });
  });

  it("prints the fields and the body for people", async () => {
    const run = await (await board()).bead(["show", "a"]);
    expect(run.stdout).toBe("a: Alpha\n  status: open   priority: 1   type: task   sensitivity: internal\n  agent: romanov\n  labels: web\n");
    expect((await (await board()).bead(["show", "f"])).stdout).toMatch(/sensitivity: internal\n\nThe body\.\n\n## Notes\nmore\n$/);
    expect((await (await board()).bead(["show", "c"])).stdout).toContain("  deps: d\n");
  });

  it("shows a live claim with its lease, and who worked a finished bead", async () => {
    const b = await cliBoard({
      "beads/held.md": "---\ntitle: Held\nstatus: claimed\nclaimed_by: ann@host\nclaimed_at: 2026-01-01T10:00:00Z\nlease_until: 2026-01-01T10:15:00Z\n---\n",
      "beads/finished.md": "---\ntitle: Finished\nstatus: done\nclaimed_by: ann@host\nclaimed_at: 2026-01-01T10:00:00Z\n---\n",
    });
    expect((await b.bead(["show", "held"])).stdout).toContain("  claimed by ann@host at 2026-01-01T10:00:00Z, lease until 2026-01-01T10:15:00Z\n");
    const finished = (await b.bead(["show", "finished"])).stdout;
    expect(finished).toContain("  worked by ann@host (claimed at 2026-01-01T10:00:00Z)\n");
    expect(finished).not.toContain("lease");
  });

  it("exits 2 for a bead that does not exist, and 1 for an invalid one, naming file and line", async () => {
    const b = await board();
    const missing = await b.bead(["show", "zulu"]);
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toBe("bead: bead not found: zulu (no file beads/zulu.md)\n");
    const invalid = await b.bead(["show", "bad"]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toBe("bead: beads/bad.md:3: status must be one of open, claimed, done, failed, blocked, cancelled\n");
  });
});
