// Where the time goes, measured in fresh processes with timing spans (bench/run.js runs these
// on the 10,000-bead board and puts the numbers in RESULTS.md). Each mode loads what a `bead`
// process loads (the bundles in dist/bundle/) or, where a phase has no entry point of its own,
// the same functions from the tsc output in dist/, and times the steps one by one.
//
//   node bench/profile.js ls <board>               a `bead ls --json` on an unchanged board, as
//                                                   bin/bead.js runs it: load launch.cjs, answer
//                                                   from the answer store (step by step); then, for
//                                                   reference, the phases of a miss
//   node bench/profile.js bundle compile|cached <board> <id>
//                                                   load dist/bundle/bead.cjs with loadBundle, key
//                                                   "set", then run its main(set <id> priority=N):
//                                                   compiled from source (BEAD_CODE_CACHE=0), or
//                                                   from the V8 code cache in BEAD_CODE_CACHE_DIR
//                                                   (the caller warms it in another process first)
//   node bench/profile.js commit <board> <id>...   the native one-file commit of
//                                                   src/git/commit-paths.ts, step by step with the
//                                                   real functions, one round per id: the first cold
//                                                   (as in a `bead set` process), then warm
//   node bench/profile.js edit <board> <id> <id>   editBead (lock, read, parse, edit, commit) cold, then warm
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";

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

if (mode === "ls") {
  const [board] = args;
  // What bin/bead.js does first: import the launcher bundle.
  const { launch } = await span("import launch.cjs", () => import(join(DIST, "bundle", "launch.cjs")));
  // The launcher's quick path, whole. The bundle path points nowhere, so that a miss (no stored
  // answer, or a bead saved in the last 2 s) fails here instead of loading the CLI and being
  // timed as if it were the quick path; answeredFromStore says which happened.
  let answerBytes = 0;
  const io = { cwd: board, env: process.env, out: (bytes) => (answerBytes += bytes.length), err: () => undefined, readStdin: async () => "", columns: undefined, isTTY: false };
  try {
    await span("launch(ls --json), answered from the store", () => launch(["ls", "--json"], { bundlePath: join(tmpdir(), "bench-profile-no-such-bundle.cjs"), io }));
    spans.answeredFromStore = 1;
  } catch {
    spans.answeredFromStore = 0;
  }
  spans.answerBytes = answerBytes;

  // The same, step by step (measured again in the same process, so the file system's caches are
  // as warm as above): what board/answer-cache.ts's answerSignature and storedAnswer do.
  const { boardPaths } = await import(join(DIST, "board", "paths.js"));
  const { answerSignature, storedAnswer } = await import(join(DIST, "board", "answer-cache.js"));
  const { isBeadFileName } = await import(join(DIST, "board", "bead-files.js"));
  const { lsAnswerKey } = await import(join(DIST, "cli", "answer-keys.js"));
  const paths = boardPaths(board);
  const listed = await span("quick: readdir beads/", () => fs.readdirSync(paths.beadsDir));
  const prefix = `${paths.beadsDir}/`;
  const names = [];
  const numbers = new Float64Array(listed.length * 3);
  await span("quick: stat every bead file", () => {
    for (const name of listed) {
      if (!isBeadFileName(name)) continue;
      const stat = fs.statSync(prefix + name, { throwIfNoEntry: false });
      if (stat === undefined) continue;
      const at = names.length * 3;
      numbers[at] = stat.mtimeMs;
      numbers[at + 1] = stat.size;
      numbers[at + 2] = stat.ino;
      names.push(name);
    }
  });
  spans.beadFiles = names.length;
  // "q2" stands for answer-cache.ts's VERSION: the cost is the same whatever the prefix.
  await span("quick: signature (sha1 of names + stat numbers)", () =>
    createHash("sha1").update("q2").update(names.join("\0")).update(new Uint8Array(numbers.buffer, 0, names.length * 3 * 8)).digest("hex"),
  );
  const signature = await span("quick: answerSignature (the three rows above, measured again)", () => answerSignature(paths));
  await span("quick: read the stored answer", () => storedAnswer(paths, lsAnswerKey({}), signature ?? ""));

  // On a miss (the board changed since the answer was stored) the launcher loads the CLI bundle
  // (the `bundle` mode) and `ls --json` computes the answer; these are its phases.
  const load = await import(join(DIST, "board", "load.js"));
  const q = await import(join(DIST, "board", "queries.js"));
  const o = await import(join(DIST, "cli", "output.js"));
  const { storeAnswer } = await import(join(DIST, "board", "answer-cache.js"));
  const text = await span("miss: read beads-cache.json", () => fs.readFileSync(join(paths.stateDir, "beads-cache.json"), "utf8"));
  spans.cacheBytes = text.length;
  await span("miss: JSON.parse beads-cache.json", () => JSON.parse(text));
  const loaded = await span("miss: loadBoard (readdir, stat, read + parse the cache, assemble)", () => load.loadBoard(paths));
  const sorted = await span("miss: filter + sort (ls)", () => q.filterBeads(loaded.beads, {}).sort(q.byPriorityThenAge));
  const out = await span("miss: render --json", () => Buffer.from(o.json(sorted.map(o.beadJson)), "utf8"));
  spans.outputBytes = out.length;
  // Into a temp state dir, so that the board's own stored answers stay as they are.
  const stateDir = fs.mkdtempSync(join(tmpdir(), "bench-profile-answer-"));
  try {
    await span("miss: store the answer (atomic write)", () => storeAnswer({ ...paths, stateDir }, lsAnswerKey({}), signature ?? "x", out));
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  await span("miss: readyBeads (ready)", () => q.readyBeads(loaded.beads, loaded.byId));
} else if (mode === "bundle") {
  const [how, board, id] = args;
  if ((how !== "compile" && how !== "cached") || !board || !id) throw new Error("usage: bundle compile|cached <board> <id>");
  // In a `bead` process loadBundle is part of launch.cjs (timed by the `ls` mode); here it comes
  // from the tsc output, untimed, so that only the loading of the CLI bundle is measured.
  const { loadBundle } = await import(join(DIST, "cli", "code-cache.js"));
  const bundlePath = join(DIST, "bundle", "bead.cjs");
  const env = how === "compile" ? { ...process.env, BEAD_CODE_CACHE: "0" } : process.env;
  if (how === "cached" && !env.BEAD_CODE_CACHE_DIR) throw new Error("bundle cached: set BEAD_CODE_CACHE_DIR to a warmed cache");
  const cacheFiles = () => {
    try {
      return fs.readdirSync(env.BEAD_CODE_CACHE_DIR).filter((n) => n.startsWith("bead.cjs-") && n.endsWith("-set.bin")).map((n) => fs.statSync(join(env.BEAD_CODE_CACHE_DIR, n)));
    } catch {
      return [];
    }
  };
  const before = how === "cached" ? cacheFiles() : [];
  const bundle = await span("loadBundle(bead.cjs)", () => loadBundle(bundlePath, { key: "set", env }));
  spans.bundleBytes = fs.statSync(bundlePath).size;
  // Then the command itself, as launch() runs it: V8 compiles functions lazily, so without a
  // cache much of the compiling happens here, when each function is first called.
  const current = Number(/^priority: (\d)$/m.exec(fs.readFileSync(join(board, "beads", `${id}.md`), "utf8"))?.[1]);
  const priority = current === 1 ? 2 : 1; // a real change, so that it commits
  const io = { cwd: board, env, out: () => undefined, err: (text) => process.stderr.write(text), readStdin: async () => "", columns: undefined, isTTY: false };
  const code = await span(`main(set <id> priority=N)`, () => bundle.exports.main(["set", id, `priority=${priority}`], io));
  if (code !== 0) throw new Error(`bead set ${id} exited ${code}`);
  if (how === "cached") {
    // saveCache writes only when V8 rejected the cached data (or there was none): a cache file
    // that changes here means this run compiled after all.
    bundle.saveCache();
    const after = cacheFiles();
    spans.cacheBytes = after[0]?.size ?? 0;
    spans.cacheUsed = before.length === 1 && after.length === 1 && after[0].mtimeMs === before[0].mtimeMs ? 1 : 0;
  }
} else if (mode === "commit") {
  const [board, ...ids] = args;
  // The functions src/git/native-commit.ts and commit-paths.ts call, in their order; the steps
  // are theirs, the sequencing here (prepareNativeCommit keeps its internals to itself).
  const objects = { ...(await import(join(DIST, "git", "objects.js"))), ...(await import(join(DIST, "git", "tree-object.js"))) };
  const indexFile = await import(join(DIST, "git", "index-file.js"));
  const refs = await import(join(DIST, "git", "refs.js"));
  const { withIndexLock } = await import(join(DIST, "git", "index-lock.js"));
  const { writeFileAtomic } = await import(join(DIST, "board", "atomic-write.js"));
  const gitdir = join(board, ".git");
  for (let round = 0; round < ids.length; round++) {
    const r = (spans[`round ${round}`] = {});
    const time = (name, work) => {
      const t = performance.now();
      const result = work();
      r[name] = performance.now() - t;
      return result;
    };
    const id = ids[round];
    const path = `beads/${id}.md`;
    const bytes = Buffer.from(`${fs.readFileSync(join(board, path), "utf8")}\nProfiled commit ${round}.\n`, "utf8");
    const lockAt = performance.now();
    await withIndexLock(gitdir, async (indexFs) => {
      r["take index.lock"] = performance.now() - lockAt;
      const ref = time("read HEAD (branch ref)", () => refs.currentBranchRef(gitdir));
      const parent = refs.readRef(gitdir, ref);
      const baseTree = time("read HEAD's commit (inflate, sha1 check)", () => {
        const commit = objects.readLooseObject(gitdir, parent);
        if (commit.type !== "commit") throw new Error(`${parent} is a ${commit.type}`);
        return objects.commitTree(commit.body);
      });
      const index = time("read + parse the index (sha1 check)", () => indexFile.parseIndex(fs.readFileSync(join(gitdir, "index"))));
      r.indexEntries = index.count;
      const blob = time("write the blob", () => objects.writeLooseObject(gitdir, "blob", bytes));
      const entry = indexFile.makeEntry(path, blob, 0o100644, null);
      time("index: set the entry", () => indexFile.setEntry(index, entry.key, entry));
      const root = time("read tree / (inflate, sha1 check)", () => objects.readLooseTree(gitdir, baseTree));
      const beadsItem = root.lookup([objects.nameKey("beads")]).get(objects.nameKey("beads"));
      const beads = time("read tree beads/ (inflate, sha1 check)", () => objects.readLooseTree(gitdir, beadsItem.oid));
      r.beadsTreeBytes = beads.body.length;
      const key = objects.nameKey(`${id}.md`);
      const beadsOid = time("splice + write tree beads/ (sha1 + deflate)", () => {
        const current = beads.lookup([key]).get(key);
        if (!current) throw new Error(`${path} is not in HEAD`);
        return objects.writeLooseObject(gitdir, "tree", beads.edit(new Map([[key, { mode: "100644", oid: blob }]])));
      });
      const treeOid = time("splice + write tree /", () => objects.writeLooseObject(gitdir, "tree", root.edit(new Map([[objects.nameKey("beads"), { mode: "40000", oid: beadsOid }]]))));
      time("write the work-tree file (atomic)", () => writeFileAtomic(join(board, path), bytes));
      const person = `Bench <bench@beadboard.local> ${Math.floor(Date.now() / 1000)} +0000`;
      const oid = time("write the commit", () => objects.writeLooseObject(gitdir, "commit", objects.serializeCommit({ tree: treeOid, parents: [parent], author: person, committer: person, message: `profile ${id}` })));
      const t = performance.now();
      await refs.compareAndSwapRef({ gitdir, ref, expected: parent, next: oid, message: `commit: profile ${id}`, committer: "Bench <bench@beadboard.local>" });
      r["move the branch (ref lock, compare-and-swap, reflog)"] = performance.now() - t;
      const u = performance.now();
      // native-commit.ts's syncIndex: the entry gets the file's stat data once the file is known
      // to hold the blob (statIfHolds: lstat, read, compare, lstat), then the index is written.
      const full = join(board, path);
      const stat = fs.lstatSync(full, { bigint: true });
      if (fs.readFileSync(full).equals(bytes) && fs.lstatSync(full, { bigint: true }).mtimeNs === stat.mtimeNs) Object.assign(entry, indexFile.makeEntry(path, blob, 0o100644, stat));
      await indexFs.promises.writeFile(join(gitdir, "index"), indexFile.serializeIndex(index));
      r["index: stat the file, serialize + write (sha1)"] = performance.now() - u;
      r.releaseAt = performance.now();
    });
    const end = performance.now();
    r["rename index.lock over the index"] = end - r.releaseAt;
    delete r.releaseAt;
    r.total = end - lockAt; // the steps above plus the small untimed glue between them

  }
} else if (mode === "edit") {
  const [board, ...ids] = args;
  const { boardPaths } = await import(join(DIST, "board", "paths.js"));
  const { editBead, writeContext } = await span("import board/write.js (zod/mini, yaml, proper-lockfile…)", () => import(join(DIST, "board", "write.js")));
  const { setFields } = await span("import bead/edit.js (yaml Document API, remark…)", () => import(join(DIST, "bead", "edit.js")));
  const ctx = writeContext(boardPaths(board));
  for (let round = 0; round < ids.length; round++) {
    const id = ids[round];
    await span(`editBead #${round + 1} (${round === 0 ? "cold" : "warm"})`, () => editBead(ctx, id, (text) => setFields(text, { priority: 3, updated: new Date().toISOString() }, `beads/${id}.md`), `set ${id} priority=3`));
  }
} else {
  process.stderr.write("usage: node bench/profile.js ls|bundle|commit|edit …\n");
  process.exit(1);
}
spans.nodeStartMs = startedAt;
spans.totalMs = performance.now();
process.stdout.write(`${JSON.stringify(spans)}\n`);
