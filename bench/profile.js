// Where the time goes, measured in fresh processes with timing spans (bench/run.js runs these
// on the 10,000-bead board and puts the numbers in RESULTS.md).
//
//   node bench/profile.js imports <specifier>...   import each in turn, ms each (a module already
//                                                   loaded by an earlier one costs ~0)
//   node bench/profile.js ls <board>                phases of a warm `bead ls --json`
//   node bench/profile.js commit <board> <id>...    isomorphic-git calls of one-file commits, as
//                                                   src/git/commit-paths.ts makes them: the first
//                                                   cold (as in a `bead set` process), then warm
//   node bench/profile.js edit <board> <id> <id>    editBead (lock, read, parse, edit, commit) cold, then warm
import * as fs from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = process.env.BENCH_DIST ?? join(ROOT, "dist"); // bench/run.js passes its snapshot of dist/
const startedAt = performance.now(); // ≈ time Node took to start and reach this module
const [mode, ...args] = process.argv.slice(2);
const spans = {};
const span = async (name, work) => {
  const t = performance.now();
  const result = await work();
  spans[name] = (spans[name] ?? 0) + (performance.now() - t);
  return result;
};

/** Resolve a bare package name from the project (this script is run from anywhere). */
function specifier(name) {
  if (name.startsWith("/") || name.startsWith("file:")) return name;
  if (name.startsWith("dist/")) return join(DIST, name.slice("dist/".length));
  return import.meta.resolve(name);
}

if (mode === "imports") {
  for (const name of args) await span(name, () => import(specifier(name)));
} else if (mode === "ls") {
  const [board] = args;
  const { boardPaths } = await span("import load/queries/output", async () => {
    await import(join(DIST, "board/load.js"));
    await import(join(DIST, "board/queries.js"));
    await import(join(DIST, "cli/output.js"));
    return import(join(DIST, "board/paths.js"));
  });
  const paths = boardPaths(board);
  const names = await span("readdir + sort", () => fs.readdirSync(paths.beadsDir).filter((n) => n.endsWith(".md") && !n.startsWith(".")).sort());
  await span(`stat × ${names.length}`, () => {
    for (const name of names) fs.statSync(`${paths.beadsDir}/${name}`, { throwIfNoEntry: false });
  });
  const text = await span("read cache file", () => fs.readFileSync(join(paths.stateDir, "beads-cache.json"), "utf8"));
  spans.cacheBytes = text.length;
  await span("JSON.parse cache", () => JSON.parse(text));
  const { loadBoard } = await import(join(DIST, "board/load.js"));
  const board2 = await span("loadBoard (all of the above, again)", () => loadBoard(paths));
  const q = await import(join(DIST, "board/queries.js"));
  const o = await import(join(DIST, "cli/output.js"));
  const sorted = await span("filter + sort (ls)", () => q.filterBeads(board2.beads, {}).sort(q.byPriorityThenAge));
  const out = await span("render --json", () => o.json(sorted.map(o.beadJson)));
  spans.outputBytes = out.length;
  await span("readyBeads (ready)", () => q.readyBeads(board2.beads, board2.byId));
} else if (mode === "commit") {
  const [board, ...ids] = args;
  const git = await span("import isomorphic-git", async () => (await import(specifier("isomorphic-git"))).default);
  const dir = board;
  const gitdir = join(board, ".git");
  const cache = {};
  const head = fs.readFileSync(join(gitdir, "HEAD"), "utf8").trim().replace(/^ref: /, "");
  ids.forEach((id, round) => (spans[`round ${round}`] = {}));
  for (let round = 0; round < ids.length; round++) {
    const r = spans[`round ${round}`];
    const time = async (name, work) => {
      const t = performance.now();
      const result = await work();
      r[name] = performance.now() - t;
      return result;
    };
    const id = ids[round];
    const path = `beads/${id}.md`;
    const text = `${fs.readFileSync(join(board, path), "utf8")}\nProfiled edit ${round}.\n`;
    fs.writeFileSync(join(board, path), text);
    const parent = fs.readFileSync(join(gitdir, head), "utf8").trim();
    const commit = await time("readCommit", () => git.readCommit({ fs, dir, gitdir, oid: parent, cache }));
    const root = await time("readTree /", () => git.readTree({ fs, dir, gitdir, oid: commit.commit.tree, cache }));
    const beadsEntry = root.tree.find((e) => e.path === "beads");
    const beads = await time("readTree beads/", () => git.readTree({ fs, dir, gitdir, oid: beadsEntry.oid, cache }));
    const blob = await time("writeBlob", () => git.writeBlob({ fs, dir, gitdir, blob: Buffer.from(text) }));
    const entries = beads.tree.map((e) => (e.path === `${id}.md` ? { ...e, oid: blob } : e));
    const beadsTree = await time("writeTree beads/", () => git.writeTree({ fs, dir, gitdir, tree: entries }));
    const rootTree = await time("writeTree /", () => git.writeTree({ fs, dir, gitdir, tree: root.tree.map((e) => (e.path === "beads" ? { ...e, oid: beadsTree } : e)) }));
    const person = { name: "Bench", email: "bench@beadboard.local", timestamp: Math.floor(Date.now() / 1000), timezoneOffset: 0 };
    const oid = await time("writeCommit", () => git.writeCommit({ fs, dir, gitdir, commit: { message: `profile ${id}\n`, tree: rootTree, parent: [parent], author: person, committer: person } }));
    fs.writeFileSync(join(gitdir, head), `${oid}\n`);
    await time("updateIndex", () => git.updateIndex({ fs, dir, gitdir, cache, filepath: path, oid: blob, mode: 0o100644, add: true }));
    r.total = Object.values(r).reduce((s, v) => s + v, 0);
    r.entries = beads.tree.length;
  }
} else if (mode === "edit") {
  const [board, ...ids] = args;
  const { boardPaths } = await import(join(DIST, "board/paths.js"));
  const { editBead, writeContext } = await span("import board/write.js (isomorphic-git, zod, yaml, lock…)", () => import(join(DIST, "board/write.js")));
  const { setFields } = await span("import bead/edit.js (yaml Document API, remark…)", () => import(join(DIST, "bead/edit.js")));
  const ctx = writeContext(boardPaths(board));
  for (let round = 0; round < ids.length; round++) {
    const id = ids[round];
    await span(`editBead #${round + 1} (${round === 0 ? "cold" : "warm"})`, () => editBead(ctx, id, (text) => setFields(text, { priority: 3, updated: new Date().toISOString() }, `beads/${id}.md`), `set ${id} priority=3`));
  }
} else {
  process.stderr.write("usage: node bench/profile.js imports|ls|commit|edit …\n");
  process.exit(1);
}
spans.nodeStartMs = startedAt;
spans.totalMs = performance.now();
process.stdout.write(`${JSON.stringify(spans)}\n`);
