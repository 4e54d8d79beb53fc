// npm run bench: boards of 1,000 and 10,000 beads, whole-process timings of the `bead` CLI beside
// the git CLI, claim latency in-process, racing claimers, peak RSS. Writes bench/RESULTS.md and
// raw JSON under bench/out/. Budgets: DESIGN §10.
//
// Environment: BENCH_SIZES=1000,10000  BENCH_QUICK=1 (fewer runs)  BENCH_NO_HYPERFINE=1
//              BENCH_KEEP=1 (keep the temp boards)  BENCH_NO_RACE_10K=1
//              BENCH_WAIT_QUIET=60 (seconds to wait, before each group of measurements, for the
//              machine to be < 25% busy with other work; 0 never waits)
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateBoard, git, shuffled } from "./gen.js";
import { busyProcesses, machineInfo, waitForQuiet, watchOtherWork } from "./machine.js";
import { keepOtherSections, renderResults } from "./report.js";
import { childCpuMs, hyperfineVersion, lastCpuMs, runChecked, summarize, timeOnce, timeRepeated } from "./timing.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// We measure a snapshot of bin/ and dist/ taken at start, so that a rebuild of dist/ while the
// bench runs (another terminal's `npm test`) cannot change or break the code under measurement.
// It lives under bench/out/ so that bare imports still resolve from the project's node_modules.
const SNAPSHOT = join(ROOT, "bench", "out", "snapshot");
const BEAD = [process.execPath, join(SNAPSHOT, "bin", "bead.js")];
const quick = process.env.BENCH_QUICK === "1";
const sizes = (process.env.BENCH_SIZES ?? "1000,10000").split(",").map(Number);
const CONFIG = {
  readRuns: quick ? 5 : 20,
  readWarmup: quick ? 1 : 3,
  writeRounds: quick ? 4 : 12,
  inprocClaims: quick ? 20 : 100,
  racers: 8,
  raceBeads: { 1000: quick ? 40 : 200, 10000: quick ? 20 : 80 },
  rssRuns: quick ? 2 : 5,
  profileReps: quick ? 1 : 3,
};
const env = { ...process.env, BEAD_HOST: "bench", BEAD_ACTOR: "Bench <bench@beadboard.local>", BENCH_DIST: join(SNAPSHOT, "dist") };
delete env.BEAD_DEBUG;
// A CA bundle in NODE_EXTRA_CA_CERTS (this sandbox sets one for its package proxy) is parsed by
// every Node process before any JavaScript runs: ~50 ms here, for `node -e 0` as much as for
// `bead`. The measurements run without it, as on a machine that does not set it; the read
// commands and bare Node are measured once more with it, and the report shows both.
const extraCaCerts = env.NODE_EXTRA_CA_CERTS;
delete env.NODE_EXTRA_CA_CERTS;
const envAsIs = { ...env, ...(extraCaCerts === undefined ? {} : { NODE_EXTRA_CA_CERTS: extraCaCerts }) };

const log = (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

function appendLine(dir, id, round) {
  appendFileSync(join(dir, "beads", `${id}.md`), `\nEdited by hand in bench round ${round}.\n`);
}

/** Read-only commands: same command, N runs, hyperfine when installed. */
function measureReads(dir, size, useHyperfine) {
  const runs = CONFIG.readRuns;
  const warmup = CONFIG.readWarmup;
  const out = {};
  const listed = JSON.parse(runChecked([...BEAD, "ls", "--json"], dir, env));
  if (listed.length !== size) throw new Error(`bead ls --json listed ${listed.length} beads, expected ${size}`);
  const ready = JSON.parse(runChecked([...BEAD, "ready", "--json"], dir, env));
  out.counts = { ls: listed.length, ready: ready.length };
  for (const [name, argv] of [
    ["bead ls --json", [...BEAD, "ls", "--json"]],
    ["bead ready --json", [...BEAD, "ready", "--json"]],
    ["git status", ["git", "status"]],
    ["node -e 0 (bare Node start)", [process.execPath, "-e", "0"]],
  ]) {
    log(`  ${size}: ${name} ×${runs}`);
    const r = timeRepeated(argv, dir, { runs, warmup, env, useHyperfine });
    out[name] = { ...summarize(r.times), tool: r.tool, times: r.times, userMs: r.userMs, systemMs: r.systemMs };
  }
  if (extraCaCerts !== undefined) {
    for (const [name, argv] of [
      ["bead ls --json", [...BEAD, "ls", "--json"]],
      ["node -e 0 (bare Node start)", [process.execPath, "-e", "0"]],
    ]) {
      log(`  ${size}: ${name} ×${runs}, with NODE_EXTRA_CA_CERTS`);
      const r = timeRepeated(argv, dir, { runs, warmup, env: envAsIs, useHyperfine });
      out[`${name}, with NODE_EXTRA_CA_CERTS`] = { ...summarize(r.times), tool: r.tool, times: r.times, userMs: r.userMs, systemMs: r.systemMs };
    }
  }
  return out;
}

/**
 * Writes: each repetition on a different bead, so our own loop (hyperfine repeats one command
 * line). Interleaved round by round, with the order rotated each round, so that `bead` and the
 * git CLI see the same machine load and the same repository state.
 */
function measureWrites(dir, size, pools) {
  const rounds = CONFIG.writeRounds;
  const times = {
    "bead set <id> priority=1": [],
    "bead claim <id> --as x": [],
    "bead new <title>": [],
    "git add + git commit (2 processes)": [],
    "git add (alone)": [],
    "git commit (alone, after add)": [],
    "git commit -- <path> (1 process)": [],
  };
  const cpu = Object.fromEntries(Object.keys(times).map((name) => [name, []]));
  const timed = (name, argv) => {
    const wall = timeOnce(argv, dir, env);
    times[name].push(wall);
    cpu[name].push(lastCpuMs);
    return [wall, lastCpuMs];
  };
  const steps = [
    (i) => timed("bead set <id> priority=1", [...BEAD, "set", pools.set[i], "priority=1"]),
    (i) => timed("bead claim <id> --as x", [...BEAD, "claim", pools.claim[i], "--as", "x"]),
    (i) => timed("bead new <title>", [...BEAD, "new", `Bench bead ${i}: check the thing`, "--priority", "2", "--label", "bench"]),
    (i) => {
      const id = pools.gitAdd[i];
      appendLine(dir, id, i); // untimed: the person's edit
      const [addWall, addCpu] = timed("git add (alone)", ["git", "add", `beads/${id}.md`]);
      const [commitWall, commitCpu] = timed("git commit (alone, after add)", ["git", "commit", "-q", "-m", `edit ${id}`]);
      times["git add + git commit (2 processes)"].push(addWall + commitWall);
      cpu["git add + git commit (2 processes)"].push(addCpu + commitCpu);
    },
    (i) => {
      const id = pools.gitOnly[i];
      appendLine(dir, id, i);
      timed("git commit -- <path> (1 process)", ["git", "commit", "-q", "-m", `edit ${id}`, "--", `beads/${id}.md`]);
    },
  ];
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < steps.length; k++) steps[(i + k) % steps.length](i);
  }
  log(`  ${size}: ${rounds} interleaved rounds of writes done`);
  const out = {};
  for (const [name, list] of Object.entries(times)) {
    const cpuList = cpu[name];
    out[name] = { ...summarize(list), tool: "spawnSync loop", times: list, cpuMeanMs: cpuList.reduce((a, b) => a + b, 0) / cpuList.length, cpu: cpuList };
  }
  const status = spawnSync("git", ["status", "--porcelain"], { cwd: dir, encoding: "utf8" }).stdout.trim();
  out.statusAfter = status === "" ? "clean" : status.split("\n").slice(0, 10);
  return out;
}

function measureInprocClaims(dir, size, ids) {
  const file = join(dir, ".git", "bench-inproc-ids.json");
  writeFileSync(file, JSON.stringify(ids));
  log(`  ${size}: in-process claimBead ×${ids.length}`);
  const r = spawnSync(process.execPath, [join(ROOT, "bench", "claim-inproc.js"), dir, file], { cwd: dir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`claim-inproc failed: ${r.stderr}`);
  const result = JSON.parse(r.stdout);
  return {
    importMs: result.importMs,
    first: result.latencies[0],
    ...summarize(result.latencies),
    steady: summarize(result.latencies.slice(1)),
    failures: result.failures,
    times: result.latencies,
  };
}

/** N processes race to claim every bead of `ids`, each in its own random order. */
async function race(dir, size, ids) {
  const file = join(dir, ".git", "bench-race-ids.json");
  writeFileSync(file, JSON.stringify(ids));
  log(`  ${size}: ${CONFIG.racers} racing processes × ${ids.length} beads`);
  const children = [];
  for (let n = 0; n < CONFIG.racers; n++) {
    const child = spawn(process.execPath, [join(ROOT, "bench", "claim-racer.js"), dir, file, `racer${n}`, String(1000 + n)], { cwd: dir, env, stdio: ["pipe", "pipe", "pipe"] });
    const state = { child, stdout: "", stderr: "", ready: null, done: null };
    state.done = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    // Ready when it says so, or when it dies first (then it is reported as crashed).
    state.ready = new Promise((resolve) => {
      child.stdout.on("data", (chunk) => {
        state.stdout += chunk;
        if (state.stdout.startsWith("ready\n")) resolve();
      });
      void state.done.then(resolve);
    });
    child.stderr.on("data", (chunk) => (state.stderr += chunk));
    child.stdin.on("error", () => undefined); // a crashed racer's closed stdin
    children.push(state);
  }
  const timeout = setTimeout(() => {
    for (const c of children) c.child.kill("SIGKILL"); // only the processes we started, by handle
  }, 300_000);
  await Promise.all(children.map((c) => c.ready));
  const go = Date.now();
  for (const c of children) if (c.child.exitCode === null) c.child.stdin.end("go\n");
  const codes = await Promise.all(children.map((c) => c.done));
  clearTimeout(timeout);
  const results = children.map((c, n) => {
    const line = c.stdout.trim().split("\n").pop();
    try {
      return JSON.parse(line);
    } catch {
      return { name: `racer${n}`, crashed: true, code: codes[n], claimed: [], refused: 0, errors: [`racer${n} crashed (exit ${codes[n]}): ${c.stderr.slice(0, 500)}`], ended: go, winMs: [] };
    }
  });
  const wins = results.flatMap((r) => r.claimed);
  const ended = Math.max(...results.map((r) => r.ended));
  const wallMs = ended - go;
  const winners = new Map();
  for (const id of wins) winners.set(id, (winners.get(id) ?? 0) + 1);
  const doubleInProcesses = [...winners].filter(([, n]) => n > 1).map(([id]) => id);
  const subjects = git(dir, ["log", "--format=%s"], { maxBuffer: 64 * 1024 * 1024 }).split("\n");
  const claimCommits = new Map();
  const idSet = new Set(ids);
  for (const subject of subjects) {
    const m = /^claim (\S+) by racer\d+$/.exec(subject);
    if (m && idSet.has(m[1])) claimCommits.set(m[1], (claimCommits.get(m[1]) ?? 0) + 1);
  }
  const doubleInHistory = [...claimCommits].filter(([, n]) => n > 1).map(([id]) => id);
  const unclaimed = ids.filter((id) => !claimCommits.has(id));
  return {
    processes: CONFIG.racers,
    beads: ids.length,
    attempts: ids.length * CONFIG.racers,
    wins: wins.length,
    refused: results.reduce((s, r) => s + r.refused, 0),
    errors: results.flatMap((r) => r.errors).slice(0, 20),
    wallMs,
    claimsPerSecond: wins.length / (wallMs / 1000),
    attemptsPerSecond: (ids.length * CONFIG.racers) / (wallMs / 1000),
    winLatency: summarize(results.flatMap((r) => r.winMs)),
    doubleInProcesses,
    doubleInHistory,
    unclaimed,
    perProcessWins: results.map((r) => r.claimed.length),
  };
}

function measureRss(dir, size) {
  const hasTime = existsSync("/usr/bin/time");
  const values = [];
  for (let i = 0; i < CONFIG.rssRuns; i++) {
    if (hasTime) {
      const r = spawnSync("/usr/bin/time", ["-f", "MAXRSS_KB %M", ...BEAD, "ls", "--json"], { cwd: dir, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
      const m = /MAXRSS_KB (\d+)/.exec(r.stderr);
      if (m) values.push(Number(m[1]));
    } else {
      const r = spawnSync(process.execPath, [join(ROOT, "bench", "rss-wrapper.js"), "ls", "--json"], { cwd: dir, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
      const m = /MAXRSS_KB (\d+)/.exec(r.stderr);
      if (m) values.push(Number(m[1]));
    }
  }
  log(`  ${size}: peak RSS of bead ls --json ×${values.length}`);
  return { tool: hasTime ? "/usr/bin/time -f %M" : "process.resourceUsage().maxRSS in a wrapper", kib: values, ...summarize(values) };
}

/** Median of each numeric field (recursively) over several runs of the same profile. */
function medianOf(runs) {
  const first = runs[0];
  const out = {};
  for (const key of Object.keys(first)) {
    if (typeof first[key] === "object" && first[key] !== null) out[key] = medianOf(runs.map((r) => r[key]));
    else out[key] = summarize(runs.map((r) => r[key]).filter((v) => typeof v === "number")).p50;
  }
  return out;
}

function profileRun(args, dir, runEnv = env) {
  const r = spawnSync(process.execPath, [join(ROOT, "bench", "profile.js"), ...args], { cwd: dir, env: runEnv, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`bench/profile.js ${args[0]} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

/**
 * Timing spans in fresh processes (bench/profile.js): where the time of a `bead ls --json`
 * answered from the store goes, what loading the CLI bundle costs with and without V8's code
 * cache, and the steps of a native one-file commit and of editBead.
 */
function profile(dir, size, pools) {
  const reps = CONFIG.profileReps;
  log(`  ${size}: profiling (spans, ${reps}× each)`);
  const out = {};
  // A part that fails is reported as not measured; the other parts and this size's results stay.
  const part = (name, work) => {
    try {
      out[name] = work();
    } catch (error) {
      log(`  ${size}: profile ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      // The line that names the error (`NativeUnsupported: …`): a child's stderr starts with where it was thrown.
      const lines = (error instanceof Error ? error.message : String(error)).split("\n");
      out[name] = { error: (lines.find((line) => /^[A-Z]\w*: /.test(line)) ?? lines[0]).trim() };
    }
  };
  part("ls", () => {
    // Store the current answer first. The quiet wait before this group (at least 2 s) put the
    // last write outside RACY_MS, so the launcher's quick path can answer from it.
    runChecked([...BEAD, "ls", "--json"], dir, env);
    return medianOf(Array.from({ length: reps }, () => profileRun(["ls", dir], dir)));
  });
  part("bundle", () => {
    const [warmId, ...ids] = pools.profileBundle;
    // A cache dir of the bench's own (mkdtemp: mode 0700), not the user's: V8 trusts cached data.
    const cacheDir = mkdtempSync(join(tmpdir(), "bead-bench-v8-"));
    try {
      const cacheEnv = { ...env, BEAD_CODE_CACHE_DIR: cacheDir };
      // One real `bead set`, untimed, in its own process, leaves the cache that a `bead set` leaves
      // (V8 keeps a compiled script in memory, so the measuring process cannot warm it itself).
      const before = /^priority: (\d)$/m.exec(readFileSync(join(dir, "beads", `${warmId}.md`), "utf8"))?.[1];
      runChecked([...BEAD, "set", warmId, `priority=${before === "1" ? 2 : 1}`], dir, cacheEnv);
      const compile = [];
      const cached = [];
      for (let k = 0; k < reps; k++) {
        compile.push(profileRun(["bundle", "compile", dir, ids[2 * k]], dir, cacheEnv));
        cached.push(profileRun(["bundle", "cached", dir, ids[2 * k + 1]], dir, cacheEnv));
      }
      return { compile: medianOf(compile), cached: medianOf(cached) };
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
  part("commit", () => medianOf(Array.from({ length: reps }, (_, k) => profileRun(["commit", dir, ...pools.profileCommit.slice(3 * k, 3 * k + 3)], dir))));
  part("edit", () => medianOf(Array.from({ length: reps }, (_, k) => profileRun(["edit", dir, ...pools.profileEdit.slice(2 * k, 2 * k + 2)], dir))));
  return out;
}

function checkRepo(dir) {
  const start = performance.now();
  const fsck = spawnSync("git", ["fsck", "--no-progress"], { cwd: dir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const status = spawnSync("git", ["status", "--porcelain"], { cwd: dir, encoding: "utf8" }).stdout.trim();
  return {
    fsck: fsck.status === 0 ? "clean" : `exit ${fsck.status}: ${(fsck.stdout + fsck.stderr).slice(0, 500)}`,
    status: status === "" ? "clean" : status.split("\n").slice(0, 10),
    commits: Number(git(dir, ["rev-list", "--count", "HEAD"]).trim()),
    ms: performance.now() - start,
  };
}

async function benchSize(size, useHyperfine) {
  const result = { size };
  log(`${size}: generating board`);
  let t = performance.now();
  const board = generateBoard(size);
  const { dir } = board;
  // Pack it, as a clone or a long-lived repo would be (gen.js set gc.auto=0, so git's background
  // auto-gc never runs in the middle of a measurement).
  try {
    git(dir, ["gc", "-q"]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  result.generateMs = performance.now() - t;
  result.dir = dir;
  result.claimable = board.claimable.length;
  t = performance.now();
  runChecked([...BEAD, "ls"], dir, env);
  result.coldLsMs = performance.now() - t;
  log(`${size}: cold bead ls (parses every file, writes the cache) ${result.coldLsMs.toFixed(0)} ms`);

  const claimable = shuffled(board.claimable, size);
  const others = shuffled(
    board.ids.filter((id) => !board.claimable.includes(id)),
    size + 1,
  );
  const rounds = CONFIG.writeRounds;
  // `bead set <id> priority=1` on a bead already at priority 1 would commit nothing.
  const settable = claimable.filter((id) => board.priority.get(id) !== 1);
  const set = settable.slice(0, rounds);
  const rest = claimable.filter((id) => !set.includes(id));
  const raceCount = Math.min(CONFIG.raceBeads[size] ?? 100, Math.max(0, rest.length - rounds - CONFIG.inprocClaims - 2 * CONFIG.profileReps));
  let next = 0;
  const take = (list, n) => list.slice(next, (next += n));
  const pools = {
    set,
    claim: take(rest, rounds),
    inproc: take(rest, CONFIG.inprocClaims),
    race: take(rest, raceCount),
    profileEdit: take(rest, 2 * CONFIG.profileReps),
    gitAdd: others.slice(0, rounds),
    gitOnly: others.slice(rounds, 2 * rounds),
    // bench/profile.js, after gitAdd and gitOnly: one `bead set` that warms the code cache, then
    // one bead per timed bundle run (2 per rep), then 3 per rep for the native commit steps.
    profileBundle: others.slice(2 * rounds, 2 * rounds + 1 + 2 * CONFIG.profileReps),
    profileCommit: others.slice(2 * rounds + 1 + 2 * CONFIG.profileReps, 2 * rounds + 1 + 5 * CONFIG.profileReps),
  };

  const quietWait = Number(process.env.BENCH_WAIT_QUIET ?? 60);
  const quiet = async (what) => {
    const q = await waitForQuiet(quietWait);
    result.quiet[what] = q;
    log(`  ${size}: before ${what}: machine ${Math.round(q.busy * 100)}% busy${q.waitedSeconds ? ` after waiting ${q.waitedSeconds} s` : ""}`);
  };
  result.quiet = {};
  result.otherWork = {};
  /** Run one group of measurements, recording how much of the machine other work took meanwhile. */
  const group = async (what, work) => {
    await quiet(what);
    const stop = watchOtherWork(childCpuMs);
    const value = await work();
    result.otherWork[what] = +stop().toFixed(3);
    return value;
  };
  try {
    result.reads = await group("reads", () => measureReads(dir, size, useHyperfine));
    result.writes = await group("writes", () => measureWrites(dir, size, pools));
    result.inproc = await group("claims", () => measureInprocClaims(dir, size, pools.inproc));
    if (size <= 1000 || process.env.BENCH_NO_RACE_10K !== "1") result.race = await group("race", () => race(dir, size, pools.race));
    result.rss = measureRss(dir, size);
    if (size === Math.max(...sizes)) result.profile = await group("profile", () => profile(dir, size, pools));
    log(`${size}: git fsck`);
    result.repo = checkRepo(dir);
  } finally {
    if (process.env.BENCH_KEEP !== "1") rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

async function main() {
  const started = performance.now();
  log("building is done by npm run bench (tsc); checking dist/");
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first");
  rmSync(SNAPSHOT, { recursive: true, force: true });
  cpSync(join(ROOT, "dist"), join(SNAPSHOT, "dist"), { recursive: true });
  cpSync(join(ROOT, "bin"), join(SNAPSHOT, "bin"), { recursive: true });
  const hf = hyperfineVersion();
  const machine = machineInfo(ROOT);
  machine.busyAtStart = busyProcesses();
  machine.extraCaCerts = extraCaCerts ?? null;
  log(`machine: ${machine.nproc} cores, ${machine.cpuModel}, node ${machine.node}, git ${machine.git}, ${hf ?? "no hyperfine"}, load ${machine.loadavgAtStart.join(" ")}`);
  const results = { machine, config: CONFIG, tmp: tmpdir(), sizes: [] };
  for (const size of sizes) {
    try {
      results.sizes.push(await benchSize(size, hf !== null));
    } catch (error) {
      log(`${size}: FAILED: ${error instanceof Error ? error.stack : String(error)}`);
      results.sizes.push({ size, error: error instanceof Error ? error.message : String(error) });
    }
  }
  // Routing accuracy (bench/routing.js, maintained with the router): no timing budget, so it
  // runs last and a failure there does not cost the timings above.
  try {
    log("routing accuracy (bench/routing.js)");
    const { runRoutingBench } = await import("./routing.js");
    results.routing = await runRoutingBench();
  } catch (error) {
    results.routing = { error: error instanceof Error ? error.message : String(error) };
  }
  // Agent (issue 4) and sync (issue 5) budgets: their own modules, each fenced off like routing.
  // They measure the same snapshot of dist/ as the rest of the run.
  process.env.BENCH_DIST = join(SNAPSHOT, "dist");
  for (const [key, file, fn] of [
    ["agent", "./agent.js", "runAgentBench"],
    ["sync", "./sync.js", "runSyncBench"],
    ["harness", "./harness.js", "runHarnessBench"],
  ]) {
    try {
      log(`${key} bench (bench/${file.slice(2)})`);
      const module = await import(file);
      results[key] = await module[fn]();
      results[`${key}Markdown`] = module.renderMarkdown(results[key]);
    } catch (error) {
      results[key] = { error: error instanceof Error ? error.message : String(error) };
    }
  }
  machine.loadavgAtEnd = loadavg().map((v) => +v.toFixed(2));
  machine.busyAtEnd = busyProcesses();
  results.totalSeconds = (performance.now() - started) / 1000;
  const outDir = join(ROOT, "bench", "out");
  mkdirSync(outDir, { recursive: true });
  const stamp = machine.date.replace(/[:.]/g, "-");
  writeFileSync(join(outDir, `results-${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  rmSync(SNAPSHOT, { recursive: true, force: true });
  const resultsFile = join(ROOT, "bench", "RESULTS.md");
  const markdown = keepOtherSections(existsSync(resultsFile) ? readFileSync(resultsFile, "utf8") : "", renderResults(results));
  writeFileSync(resultsFile, markdown);
  process.stdout.write(markdown);
  log(`done in ${results.totalSeconds.toFixed(0)} s; bench/RESULTS.md and bench/out/results-${stamp}.json written`);
}

await main();
