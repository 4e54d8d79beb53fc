import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadBoard } from "../../src/board/load.js";
import { boardPaths, type BoardPaths } from "../../src/board/paths.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards, makeTempBoard, type TempBoard } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

interface CacheShape {
  version: number;
  entries: Record<string, { key: string; bead?: { fields: { title: string } } }>;
}

const cacheFile = (paths: BoardPaths) => join(paths.stateDir, "beads-cache.json");
const readCache = (paths: BoardPaths) => JSON.parse(readFileSync(cacheFile(paths), "utf8")) as CacheShape;
const titles = async (paths: BoardPaths) => (await loadBoard(paths)).beads.map((bead) => bead.fields.title);

/** Files saved a while ago: their cache entries are trusted (recent ones are re-read, see RACY_MS). */
function age(board: TempBoard, rel: string, secondsAgo = 60): void {
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(join(board.dir, rel), when, when);
}

async function boardWith(files: Record<string, string>): Promise<{ board: TempBoard; paths: BoardPaths }> {
  const board = await makeTempBoard(files);
  for (const rel of Object.keys(files)) age(board, rel);
  return { board, paths: boardPaths(board.dir) };
}

describe("loadBoard", () => {
  it("loads every bead in beads/, by file name, and indexes them by id", async () => {
    const { paths } = await boardWith({
      "beads/b.md": beadText(["title: B", "priority: 1"]),
      "beads/a.md": beadText(["title: A"], "body\n"),
      "beads/.b.md.123.tmp": "half written",
      "beads/.swap.md": "editor swap",
      "beads/notes.txt": "not a bead",
      "README.md": "# board\n",
    });
    mkdirSync(join(paths.beadsDir, "dir.md"));
    const board = await loadBoard(paths);
    expect(board.beads.map((bead) => [bead.id, bead.path, bead.fields.title])).toEqual([
      ["a", "beads/a.md", "A"],
      ["b", "beads/b.md", "B"],
    ]);
    expect(board.byId.get("b")?.fields.priority).toBe(1);
    // A directory named like a bead is no bead, and lint says so (issue 14, item 8).
    expect(board.problems.map((problem) => problem.path)).toEqual(["beads/dir.md"]);
  });

  it("skips invalid beads and reports each with path, line and reason; the rest of the board loads", async () => {
    const { paths } = await boardWith({
      "beads/good.md": beadText(["title: fine"]),
      "beads/bad-status.md": beadText(["title: t", "status: doing"]),
      "beads/bad-yaml.md": beadText(["title: t", "labels: [a, b"]),
      "beads/unclosed.md": "---\ntitle: never closed\n",
      "beads/Bad Name.md": beadText(["title: t"]),
      "beads/mismatch.md": beadText(["title: t", "", "id: other"]),
      "beads/binary.md": "---\ntitle: t\n---\n\u0000\u0001",
    });
    const board = await loadBoard(paths);
    expect(board.beads.map((bead) => bead.id)).toEqual(["good"]);
    expect(board.problems.map((p) => `${p.path}:${p.line}: ${p.reason}`)).toEqual([
      "beads/Bad Name.md:1: file name is not a valid bead id",
      "beads/bad-status.md:3: status must be one of open, claimed, done, failed, blocked, cancelled",
      expect.stringMatching(/^beads\/bad-yaml\.md:3: invalid YAML: /),
      "beads/binary.md:1: binary file in beads/",
      "beads/mismatch.md:4: id mismatch: the file says id other but its name makes it mismatch",
      "beads/unclosed.md:1: front-matter opened on line 1 is never closed",
    ]);
  });

  it("reports a 10 MB bead as too big instead of choking on it", async () => {
    const { board, paths } = await boardWith({ "beads/ok.md": beadText(["title: ok"]) });
    board.write("beads/huge.md", beadText(["title: huge"], "y".repeat(10 * 1024 * 1024)));
    const loaded = await loadBoard(paths);
    expect(loaded.beads.map((bead) => bead.id)).toEqual(["ok"]);
    expect(loaded.problems).toEqual([expect.objectContaining({ path: "beads/huge.md", line: 1, reason: expect.stringMatching(/10\.0 MB; a bead may be at most 1 MB/) })]);
  });

  it("keeps its cache under .git/beadboard/, out of the work tree", async () => {
    const { board, paths } = await boardWith({ "beads/a.md": beadText(["title: A"]) });
    await loadBoard(paths);
    expect(statSync(cacheFile(paths)).isFile()).toBe(true);
    expect(cacheFile(paths).startsWith(join(board.dir, ".git", "beadboard"))).toBe(true);
    expect(board.git(["status", "--porcelain"])).toBe("");
  });

  it("returns an empty board when beads/ does not exist", async () => {
    const board = await makeTempBoard();
    const loaded = await loadBoard(boardPaths(board.dir));
    expect(loaded.beads).toEqual([]);
    expect(loaded.problems).toEqual([]);
  });
});

describe("the cache", () => {
  it("serves a warm load without parsing: a doctored cache entry is believed while the file is unchanged", async () => {
    const { paths } = await boardWith({ "beads/a.md": beadText(["title: from the file"]), "beads/b.md": beadText(["title: B"]) });
    expect(await titles(paths)).toEqual(["from the file", "B"]);
    const cache = readCache(paths);
    cache.entries["a.md"]!.bead!.fields.title = "from the cache";
    writeFileSync(cacheFile(paths), JSON.stringify(cache));
    // Nothing on disk changed, so nothing was parsed: the (doctored) cached entry is what we get.
    expect(await titles(paths)).toEqual(["from the cache", "B"]);
  });

  it("re-reads a file edited to the same size with a new mtime", async () => {
    const { board, paths } = await boardWith({ "beads/a.md": beadText(["title: AAAA"]) });
    expect(await titles(paths)).toEqual(["AAAA"]);
    const before = statSync(join(board.dir, "beads/a.md"));
    writeFileSync(join(board.dir, "beads/a.md"), beadText(["title: BBBB"]));
    age(board, "beads/a.md", 30);
    const after = statSync(join(board.dir, "beads/a.md"));
    expect([after.size, after.ino]).toEqual([before.size, before.ino]);
    expect(await titles(paths)).toEqual(["BBBB"]);
  });

  it("does not trust a file saved moments ago: a same-size save within one mtime tick is still seen", async () => {
    const { board, paths } = await boardWith({});
    const file = join(board.dir, "beads/a.md");
    mkdirSync(join(board.dir, "beads"));
    writeFileSync(file, beadText(["title: AAAA"]));
    // Whole milliseconds, so that it can be set again exactly; a little ahead of the clock, so
    // that it is still "moments ago" however slowly this machine runs the next lines.
    const mtime = new Date(Date.now() + 10_000);
    utimesSync(file, mtime, mtime);
    expect(await titles(paths)).toEqual(["AAAA"]);
    // The same size, the same inode and (as on a coarse-clock file system) the very same mtime.
    writeFileSync(file, beadText(["title: BBBB"]));
    utimesSync(file, mtime, mtime);
    expect(await titles(paths)).toEqual(["BBBB"]);
  });

  it("sees beads added and removed since the last load", async () => {
    const { board, paths } = await boardWith({ "beads/a.md": beadText(["title: A"]), "beads/b.md": beadText(["title: B"]) });
    expect(await titles(paths)).toEqual(["A", "B"]);
    board.write("beads/c.md", beadText(["title: C"]));
    await board.gitAsync(["rm", "-q", "beads/a.md"]);
    expect(await titles(paths)).toEqual(["B", "C"]);
    expect(Object.keys(readCache(paths).entries).sort()).toEqual(["b.md", "c.md"]);
  });

  it("keeps reporting an invalid bead on warm loads, and forgets the problem once it is fixed", async () => {
    const { board, paths } = await boardWith({ "beads/a.md": beadText(["title: A", "status: doing"]) });
    expect((await loadBoard(paths)).problems).toHaveLength(1);
    expect((await loadBoard(paths)).problems).toEqual([expect.objectContaining({ path: "beads/a.md", line: 3 })]);
    board.write("beads/a.md", beadText(["title: A", "status: done"]));
    const fixed = await loadBoard(paths);
    expect(fixed.problems).toEqual([]);
    expect(fixed.byId.get("a")?.fields.status).toBe("done");
  });

  it.each([
    ["garbage", "not json at all {{{"],
    ["truncated JSON", '{"version":2,"entries":{"a.md":{"key":"1'],
    ["null entries", '{"version":2,"entries":null}'],
    ["a list of entries", '{"version":2,"entries":[]}'],
    ["JSON null", "null"],
    ["an old version", '{"version":1,"entries":{}}'],
    ["entries of the wrong shape", '{"version":2,"entries":{"a.md":{"key":"KEY","bead":null},"b.md":{"key":"KEY","bead":{"id":"b"}}}}'],
  ])("survives a corrupt cache (%s) and rebuilds it", async (_name, content) => {
    const { board, paths } = await boardWith({ "beads/a.md": beadText(["title: A"]), "beads/b.md": beadText(["title: B"]) });
    await loadBoard(paths);
    const keys = readCache(paths).entries;
    mkdirSync(paths.stateDir, { recursive: true });
    // Give doctored entries the real keys, so that only their shape is wrong.
    writeFileSync(cacheFile(paths), content.replaceAll('"KEY"', JSON.stringify(keys["a.md"]?.key)));
    const loaded = await loadBoard(paths);
    expect(loaded.beads.map((bead) => bead.fields.title)).toEqual(["A", "B"]);
    expect(loaded.problems).toEqual([]);
    expect(Object.keys(readCache(paths).entries).sort()).toEqual(["a.md", "b.md"]);
    expect(board.read("beads/a.md")).toBe(beadText(["title: A"]));
  });
});
