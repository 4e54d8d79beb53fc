import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";
import { cliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const FILES = {
  "beads/a.md": beadText(["title: Fix the login page", "priority: 2", "labels: [web]", "created: 2025-01-02T00:00:00Z"], "The form.\n"),
  "beads/b.md": beadText(["title: Cookies", "priority: 1", "type: bug", "created: 2025-01-01T00:00:00Z", "updated: 2026-03-01T00:00:00Z"], "Drops the login cookie.\n\n## Result\nfixed\n"),
  "beads/c.md": beadText(["title: Docs", "status: done", "agent: romanov", "created: 2025-01-01T00:00:00Z"], "Nothing to see.\n"),
};

type Hit = { id: string; score: number; archived: boolean; match: { line: number; text: string } | null };

describe("bead search", () => {
  it("ranks, shows the matching line with file:line, and prints JSON with score and match", async () => {
    const b = await cliBoard(FILES);
    const run = await b.bead(["search", "login"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^a .*Fix the login page\nb .*Cookies\n {2}beads\/b\.md:8: Drops the login cookie\.\n$/);
    const hits = JSON.parse((await b.bead(["search", "login", "--json"])).stdout) as Hit[];
    expect(hits.map((hit) => hit.id)).toEqual(["a", "b"]);
    expect(hits[1]).toMatchObject({ path: "beads/b.md", title: "Cookies", archived: false, match: { line: 8, text: "Drops the login cookie." } });
  });

  it("filters by status:, agent: and label: and says when nothing matches", async () => {
    const b = await cliBoard(FILES);
    expect(JSON.parse((await b.bead(["search", "status:done", "agent:romanov", "--json"])).stdout).map((hit: Hit) => hit.id)).toEqual(["c"]);
    expect(JSON.parse((await b.bead(["search", "login", "label:web", "--json"])).stdout).map((hit: Hit) => hit.id)).toEqual(["a"]);
    expect((await b.bead(["search", "zebra"])).stdout).toBe("no matches\n");
  });

  it("sees a file edited after the first search (the text store follows the files)", async () => {
    const b = await cliBoard(FILES);
    expect((await b.bead(["search", "zebra", "--json"])).stdout).toBe("[]\n");
    writeFileSync(join(b.dir, "beads/c.md"), beadText(["title: Docs", "status: done"], "A zebra appears.\n"));
    const hits = JSON.parse((await b.bead(["search", "zebra", "--json"])).stdout) as Hit[];
    expect(hits.map((hit) => hit.id)).toEqual(["c"]);
    expect(readdirSync(join(b.dir, ".git", "beadboard"))).toContain("search-store.v3");
  });

  it("after an edit writes only the changed bead to an overlay, and folds it into a new store when many change", async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 12; i++) many[`beads/n${i}.md`] = beadText([`title: Note ${i}`], `walrus ${i}\n`);
    const b = await cliBoard(many);
    // Stamps of files written within the last seconds are never trusted (racy); these are old.
    const settle = (name: string, at: number) => utimesSync(join(b.dir, name), at, at);
    const OLD = Date.now() / 1000 - 3600;
    for (const name of Object.keys(many)) settle(name, OLD);
    const stateDir = join(b.dir, ".git", "beadboard");
    const base = join(stateDir, "search-store.v3");
    const overlay = join(stateDir, "search-store.v3.overlay");
    const ids = async (query: string) => (JSON.parse((await b.bead(["search", query, "--json", "--limit", "50"])).stdout) as Hit[]).map((hit) => hit.id);
    expect(await ids("walrus")).toHaveLength(12);
    const baseBytes = readFileSync(base);
    expect(existsSync(overlay)).toBe(false);

    writeFileSync(join(b.dir, "beads/n5.md"), beadText(["title: Note 5"], "A zebra now.\n"));
    settle("beads/n5.md", OLD + 60);
    expect(await ids("zebra")).toEqual(["n5"]);
    expect(await ids("walrus")).not.toContain("n5");
    expect(readFileSync(base).equals(baseBytes)).toBe(true);
    expect(statSync(overlay).size).toBeLessThan(baseBytes.length);

    rmSync(join(b.dir, "beads/n7.md"));
    writeFileSync(join(b.dir, "beads/n12.md"), beadText(["title: Zebra crossing"], "\n"));
    settle("beads/n12.md", OLD + 60);
    expect(await ids("zebra")).toEqual(["n12", "n5"]);
    expect(await ids("walrus")).toHaveLength(10);
    expect(readFileSync(base).equals(baseBytes)).toBe(true);

    // A torn overlay is never trusted: the changed beads are read again.
    writeFileSync(overlay, readFileSync(overlay).subarray(0, 40));
    expect(await ids("zebra")).toEqual(["n12", "n5"]);

    for (const i of [0, 1, 2, 3, 4]) {
      writeFileSync(join(b.dir, `beads/n${i}.md`), beadText([`title: Note ${i}`], "an okapi\n"));
      settle(`beads/n${i}.md`, OLD + 120);
    }
    expect(await ids("okapi")).toEqual(["n0", "n1", "n2", "n3", "n4"]);
    expect(readFileSync(base).equals(baseBytes)).toBe(false);
    expect(existsSync(overlay)).toBe(false);
    expect(await ids("zebra")).toEqual(["n12", "n5"]);
  });

  it("a corrupt or cut-off store is rebuilt from the files, never trusted", async () => {
    const b = await cliBoard(FILES);
    await b.bead(["search", "login"]);
    const store = join(b.dir, ".git", "beadboard", "search-store.v3");
    for (const garbage of ['{"v":3,"columns":{"names":["a.md"]}}\n', "not json at all", readFileSync(store, "utf8").slice(0, -20)]) {
      writeFileSync(store, garbage);
      const hits = JSON.parse((await b.bead(["search", "login", "--json"])).stdout) as Hit[];
      expect(hits.map((hit) => hit.id)).toEqual(["a", "b"]);
    }
  });

  it("--all also searches beads/archive/, marked as archived", async () => {
    const b = await cliBoard({ ...FILES, "beads/archive/old.md": beadText(["title: Old login work", "status: done"]) });
    expect(JSON.parse((await b.bead(["search", "login", "--json"])).stdout).map((hit: Hit) => hit.id)).toEqual(["a", "b"]);
    const all = JSON.parse((await b.bead(["search", "login", "--all", "--json"])).stdout) as Hit[];
    expect(all.find((hit) => hit.id === "old")).toMatchObject({ archived: true, path: "beads/archive/old.md" });
  });

  it("refuses an empty query and a bad --limit, and never reads through a symlinked bead", async () => {
    const b = await cliBoard(FILES);
    const empty = await b.bead(["search", '""']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/give words/);
    expect((await b.bead(["search", "login", "--limit", "0"])).stderr).toMatch(/--limit/);
    const outside = await makeTempBoard({ "secret.md": beadText(["title: Secret"], "password hunter2\n") });
    mkdirSync(join(b.dir, "beads"), { recursive: true });
    symlinkSync(join(outside.dir, "secret.md"), join(b.dir, "beads/link.md"));
    expect((await b.bead(["search", "hunter2"])).stdout).not.toMatch(/hunter2/);
  });
});

describe("bead ls: --text, --priority, --type, --since", () => {
  it("narrows the listing and keeps its order", async () => {
    const b = await cliBoard(FILES);
    const ids = async (args: string[]) => (JSON.parse((await b.bead(["ls", ...args, "--json"])).stdout) as Hit[]).map((bead) => bead.id);
    expect(await ids(["--text", "login"])).toEqual(["b", "a"]);
    expect(await ids(["--priority", "1"])).toEqual(["b"]);
    expect(await ids(["--priority", "1", "--priority", "2"])).toEqual(["b", "c", "a"]);
    expect(await ids(["--type", "bug"])).toEqual(["b"]);
    expect(await ids(["--since", "2026-01-01"])).toEqual(["b"]);
    expect((await b.bead(["ls", "--text", "login"])).stdout).toMatch(/Cookies[\s\S]*Fix the login page/);
    // The store is checked against the listing's own stamps: an edit, a new file and a deleted
    // one are all seen (the store is patched from them, not trusted as it was).
    b.write("beads/c.md", beadText(["title: Docs", "status: done", "agent: romanov", "created: 2025-01-01T00:00:00Z"], "The login docs.\n"));
    b.write("beads/d.md", beadText(["title: Login audit", "priority: 0", "created: 2025-01-03T00:00:00Z"], "Check it.\n"));
    rmSync(join(b.dir, "beads/a.md"));
    expect(await ids(["--text", "login"])).toEqual(["d", "b", "c"]);
    expect(await ids(["--text", "login", "--priority", "0"])).toEqual(["d"]);
    expect((JSON.parse((await b.bead(["search", "login", "--json"])).stdout) as Hit[]).map((hit) => hit.id).sort()).toEqual(["b", "c", "d"]);
  });

  it("refuses a bad --priority or --since with the fix", async () => {
    const b = await cliBoard(FILES);
    expect((await b.bead(["ls", "--priority", "urgent"])).stderr).toMatch(/from 0 \(urgent\) to 4/);
    expect((await b.bead(["ls", "--since", "yesterday"])).stderr).toMatch(/--since "yesterday" is not a duration/);
  });
});
