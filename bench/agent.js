// Agent benchmarks (issue 4, DESIGN §10), against the benchmark model stub (bench/model-stub.js),
// which answers every chat at once, so that what is measured is the agent and not a model:
//   (a) per-bead agent overhead outside the model call: supervise() from dist/ in this process
//       (what `bead up --once` runs), N beads assigned to the stub agent; (wall − model time) / N,
//       and per-bead spans from .git/beadboard/metrics.jsonl and from a timing wrapper around the
//       claimer (claim commit, write-back commit);
//   (b) save → claim commit latency: a watching `bead up` process; the bench saves a new bead
//       file by hand (atomic rename) and reads the claim's time from metrics.jsonl;
//   (c) idle CPU and RSS of that `bead up` over 60 s with nothing ready for its agent;
//   (d) where the time goes: the pieces of a reconcile and of a claim, and the watcher's delay.
//
//   import { runAgentBench, renderMarkdown } from "./agent.js";
//   const result = await runAgentBench();          // also writes bench/out/agent.json
//   markdown += renderMarkdown(result);
//
// Environment: BENCH_QUICK=1 (1,000 beads, fewer runs)  BENCH_AGENT_SIZE=<beads>
//              BENCH_AGENT_IDLE_S=<seconds, default 60>  BENCH_KEEP=1 (keep the temp board)
//              BENCH_DIST (a snapshot of dist/, as bench/run.js uses)
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateBoard, git } from "./gen.js";
import { startModelStub, STUB_MODEL } from "./model-stub.js";
import { busyProcesses, waitForQuiet } from "./machine.js";
import { summarize } from "./timing.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// BENCH_DIST: a snapshot of dist/ (bench/run.js takes one, with bin/ beside it): measure that.
const DIST = process.env.BENCH_DIST ?? join(ROOT, "dist");
const BEAD_BIN = process.env.BENCH_DIST ? join(dirname(process.env.BENCH_DIST), "bin", "bead.js") : join(ROOT, "bin", "bead.js");
const BUDGET = { overheadMs: 50, claimP50: 150, claimP99: 500, idleCpuPct: 1 };
const AGENT = "stub";
const HOST = "bench";

const log = (message) => process.stderr.write(`[bench agent ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round1 = (v) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : v);

function clkTck() {
  const r = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout.trim()) || 100 : 100;
}

/** user + system CPU of a process, in ms, from /proc/<pid>/stat (utime, stime). */
function procCpuMs(pid, tck) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / tck;
}

/** VmRSS of a process in KiB, from /proc/<pid>/status. */
function procRssKiB(pid) {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) : Number.NaN;
}

function stubAgentFile(url) {
  return [
    "---",
    `name: ${AGENT}`,
    "provider: ollama",
    `host: ${url}`,
    `model: ${STUB_MODEL}`,
    "takes: { labels: [benchstub] }",
    "---",
    "You are a benchmark stub agent. Reply with the JSON you are asked for.",
    "",
  ].join("\n");
}

function stubBeadText(title) {
  return ["---", `title: ${title}`, "status: open", "priority: 1", "type: task", "labels: [benchstub]", `agent: ${AGENT}`, `created: ${new Date().toISOString()}`, "---", "Say ok.", ""].join("\n");
}

/**
 * The generated board, made into a board for the stub agent: the example builtin agent removed
 * (it would take the board's open beads), the stub agent added, and the leases of the beads the
 * generator marks claimed moved into the future (they would all have lapsed, and the expiry sweep
 * would spend the first minutes committing them open again). Packed, and the bead cache warmed.
 */
function prepareBoard(size, stubUrl, env) {
  const t0 = performance.now();
  const board = generateBoard(size, 7);
  const { dir } = board;
  rmSync(join(dir, "agents", "reporter.md"));
  writeFileSync(join(dir, "agents", `${AGENT}.md`), stubAgentFile(stubUrl));
  const far = "2099-01-01T00:00:00.000Z";
  let leases = 0;
  for (const name of readdirSync(join(dir, "beads"))) {
    const file = join(dir, "beads", name);
    const text = readFileSync(file, "utf8");
    if (!/^lease_until: /m.test(text)) continue;
    writeFileSync(file, text.replace(/^lease_until: .*$/m, `lease_until: ${far}`));
    leases++;
  }
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "-m", "bench: the stub agent; running leases"]);
  git(dir, ["gc", "-q"]);
  runBead(["ls", "--json"], dir, env); // warms .git/beadboard/beads-cache.json
  return { dir, leases, setupMs: performance.now() - t0 };
}

function runBead(args, dir, env) {
  const r = spawnSync(process.execPath, [BEAD_BIN, ...args, "-C", dir], { env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`bead ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** metrics.jsonl lines from byte `offset` on. */
function readMetrics(dir, offset = 0) {
  const file = join(dir, ".git", "beadboard", "metrics.jsonl");
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { events: [], end: 0 };
  }
  const bytes = Buffer.from(text, "utf8");
  const tail = bytes.subarray(offset).toString("utf8");
  const complete = tail.slice(0, tail.lastIndexOf("\n") + 1);
  const events = complete
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const event = JSON.parse(line);
      event.t = Date.parse(event.ts);
      return event;
    });
  return { events, end: offset + Buffer.byteLength(complete, "utf8") };
}

function metricsSize(dir) {
  try {
    return statSync(join(dir, ".git", "beadboard", "metrics.jsonl")).size;
  } catch {
    return 0;
  }
}

const stats = (list) => {
  const s = summarize(list);
  return { n: s.n, p50: round1(s.p50), p95: round1(s.p95), p99: round1(s.p99), min: round1(s.min), max: round1(s.max), mean: round1(s.mean) };
};

/** A claimer that times every call of the real one (claim = the claim commit, writeBack = the result commit). */
function timedClaimer(claimer, spans) {
  const wrap = (name) => async (...args) => {
    const t = performance.now();
    try {
      return await claimer[name](...args);
    } finally {
      (spans[name] ??= []).push(performance.now() - t);
    }
  };
  return { claim: wrap("claim"), renew: wrap("renew"), release: wrap("release"), writeBack: wrap("writeBack"), publish: wrap("publish") };
}

/** (a) N beads, supervise({ once: true }) in this process, the stub answering at once. */
async function measureOverhead(dir, n, env, stub, dist) {
  const ids = Array.from({ length: n }, (_, i) => `bb-over-${String(i).padStart(3, "0")}`);
  for (const id of ids) writeFileSync(join(dir, "beads", `${id}.md`), stubBeadText(`Overhead bench bead ${id}`));
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "-m", `bench: ${n} beads for the stub agent`]);
  runBead(["ls", "--json"], dir, env); // the new files into the cache, as a running board would have them
  await sleep(2100); // past the cache's racy window (files younger than 2 s are parsed again each time)

  const { supervise } = await import(join(dist, "agent", "supervisor.js"));
  const { localClaimer } = await import(join(dist, "agent", "claimer.js"));
  const { boardPaths } = await import(join(dist, "board", "paths.js"));
  const spans = {};
  const logLines = [];
  const offset = metricsSize(dir);
  const chatsBefore = stub.stats.chats;
  const stubMsBefore = stub.stats.serverMs;
  const startedAt = Date.now();
  const t0 = performance.now();
  const result = await supervise({
    paths: boardPaths(dir),
    env,
    once: true,
    log: (line) => logLines.push(line),
    claimerFor: (ctx, host) => timedClaimer(localClaimer(ctx, host), spans),
  });
  const wallMs = performance.now() - t0;
  const endedAt = Date.now();
  const events = readMetrics(dir, offset).events.filter((e) => ids.includes(e.bead));
  const byBead = new Map(ids.map((id) => [id, {}]));
  for (const e of events) {
    const b = byBead.get(e.bead);
    if (e.event === "model_call") {
      b.model_call = e.t;
      b.modelMs = (b.modelMs ?? 0) + e.latency_ms;
    } else b[e.event] ??= e.t;
  }
  const worked = ids.filter((id) => byBead.get(id).done !== undefined);
  const modelMs = [...byBead.values()].reduce((sum, b) => sum + (b.modelMs ?? 0), 0);
  const order = worked.map((id) => byBead.get(id)).sort((a, b) => a.claim - b.claim);
  const span = (from, to) => stats(order.map((b) => b[to] - b[from]).filter(Number.isFinite));
  // From the end of one bead to the claim of the next: side effects, publish, queue, and the next claim commit.
  const between = [];
  for (let i = 1; i < order.length; i++) between.push(order[i].claim - order[i - 1].done);
  const first = order[0];
  const last = order[order.length - 1];
  const steadyPerBead = order.length > 1 ? (last.done - first.done) / (order.length - 1) : Number.NaN;
  const meanModel = worked.length ? modelMs / worked.length : Number.NaN;
  const out = {
    beads: n,
    worked: worked.length,
    outcomes: result.outcomes,
    wallMs: round1(wallMs),
    modelMs,
    modelCalls: stub.stats.chats - chatsBefore,
    stubServerMs: round1(stub.stats.serverMs - stubMsBefore),
    overheadPerBeadMs: round1((wallMs - modelMs) / n),
    steadyPerBeadMs: round1(steadyPerBead - meanModel),
    fixedMs: {
      beforeFirstClaim: first ? first.claim - startedAt : Number.NaN,
      afterLastDone: last ? endedAt - last.done : Number.NaN,
    },
    spans: {
      "claim → start (claim event to work start)": span("claim", "start"),
      "start → model_call (context, gate, model call)": span("start", "model_call"),
      "model call itself (latency_ms, client side)": stats(order.map((b) => b.modelMs)),
      "model_call → done (write-back commit)": span("model_call", "done"),
      "done → next claim (side effects, queue, next claim commit)": stats(between),
    },
    claimer: Object.fromEntries(Object.entries(spans).map(([name, list]) => [name, stats(list)])),
    logLines: logLines.length,
    logTail: logLines.slice(-3),
  };
  log(`  (a) ${worked.length}/${n} worked in ${Math.round(wallMs)} ms; model ${modelMs} ms; ${out.overheadPerBeadMs} ms/bead overhead (steady ${out.steadyPerBeadMs})`);
  return out;
}

/** Spawn a watching `bead up`; resolves once it says it is watching. */
async function startUp(dir, env) {
  const child = spawn(process.execPath, [BEAD_BIN, "up", "-C", dir], { env, stdio: ["ignore", "pipe", "pipe"] });
  const state = { child, stderr: "", lines: 0, lastOutput: Date.now(), exited: null };
  child.stderr.setEncoding("utf8");
  child.stdout.setEncoding("utf8");
  const onData = (chunk) => {
    state.lastOutput = Date.now();
    state.lines += chunk.split("\n").length - 1;
    state.stderr = (state.stderr + chunk).slice(-20_000);
  };
  child.stderr.on("data", onData);
  child.stdout.on("data", onData);
  state.exit = new Promise((resolve) => child.on("exit", (code, signal) => resolve((state.exited = { code, signal }))));
  const t0 = performance.now();
  const deadline = Date.now() + 120_000;
  while (!/agent\(s\) watching/.test(state.stderr)) {
    if (state.exited) throw new Error(`bead up exited early (${JSON.stringify(state.exited)}): ${state.stderr.slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`bead up did not start watching within 120 s: ${state.stderr.slice(-2000)}`);
    await sleep(20);
  }
  state.startMs = performance.now() - t0;
  return state;
}

async function waitFor(check, timeoutMs, pollMs = 5) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(pollMs);
  }
}

/**
 * Until the process has used no CPU for `quietMs` (it finished reacting to the last change:
 * its write-back, the reconcile that follows, the watcher's rescan), at most `maxMs`.
 */
async function untilIdle(pid, tck, quietMs = 300, maxMs = 10_000) {
  const deadline = Date.now() + maxMs;
  let last = procCpuMs(pid, tck);
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(50);
    const now = procCpuMs(pid, tck);
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return true;
  }
  return false;
}

/**
 * (b) Save a bead by hand every ~300 ms, each time to an idle agent: at least `spacingMs` after
 * the previous save, after the previous bead is done, and once the process has been idle for
 * 300 ms. Time from the save to its claim commit.
 */
async function measureClaimLatency(dir, n, spacingMs, pid, tck) {
  const latency = [];
  const decided = [];
  const worked = [];
  const misses = [];
  let notIdle = 0;
  let offset = metricsSize(dir);
  const seen = new Map();
  const poll = () => {
    const r = readMetrics(dir, offset);
    offset = r.end;
    for (const e of r.events) if (e.bead && !seen.has(`${e.event} ${e.bead}`)) seen.set(`${e.event} ${e.bead}`, e);
  };
  let lastWrite = 0;
  for (let i = 0; i < n; i++) {
    const id = `bb-save-${String(i).padStart(3, "0")}`;
    const wait = lastWrite + spacingMs - Date.now();
    if (wait > 0) await sleep(wait);
    if (!(await untilIdle(pid, tck))) notIdle++;
    const tmp = join(dir, "beads", `.${id}.md.tmp`);
    writeFileSync(tmp, stubBeadText(`Saved by hand ${i}`));
    const savedAt = Date.now();
    renameSync(tmp, join(dir, "beads", `${id}.md`)); // the save: atomic, as editors do
    lastWrite = savedAt;
    const claim = await waitFor(() => (poll(), seen.get(`claim ${id}`)), 15_000);
    if (!claim) {
      misses.push(id);
      continue;
    }
    latency.push(claim.t - savedAt);
    const done = await waitFor(() => (poll(), seen.get(`done ${id}`)), 15_000);
    if (done) worked.push(done.t - savedAt);
    // claimed_at: when the claim was decided (before its commit).
    const at = /^claimed_at: (.+)$/m.exec(readFileSync(join(dir, "beads", `${id}.md`), "utf8"))?.[1];
    if (at) decided.push(Date.parse(at) - savedAt);
    lastWrite = Math.max(lastWrite, done?.t ?? Date.now());
  }
  const out = { saves: n, spacingMs, savedWhileBusy: notIdle, claimCommit: stats(latency), claimDecided: stats(decided), worked: stats(worked), misses, times: latency };
  log(`  (b) save → claim commit p50 ${out.claimCommit.p50} ms, p99 ${out.claimCommit.p99} ms (${latency.length}/${n})`);
  return out;
}

/** (c) CPU and RSS of the watching process over `seconds`, nothing ready for its agent. */
async function measureIdle(up, seconds, tck) {
  const pid = up.child.pid;
  // Quiet first: the last write-back's reconcile and its log lines.
  await waitFor(() => (Date.now() - up.lastOutput > 1500 ? true : undefined), 20_000, 100);
  const rss = [procRssKiB(pid)];
  const cpu0 = procCpuMs(pid, tck);
  const linesBefore = up.lines;
  const t0 = performance.now();
  const samples = [];
  let prevCpu = cpu0;
  while (performance.now() - t0 < seconds * 1000) {
    await sleep(Math.min(5000, seconds * 1000 - (performance.now() - t0)));
    const cpu = procCpuMs(pid, tck);
    samples.push(round1(cpu - prevCpu));
    prevCpu = cpu;
    rss.push(procRssKiB(pid));
  }
  const wallMs = performance.now() - t0;
  const cpuMs = procCpuMs(pid, tck) - cpu0;
  const out = {
    seconds: round1(wallMs / 1000),
    cpuMs: round1(cpuMs),
    cpuPercent: +((100 * cpuMs) / wallMs).toFixed(2),
    cpuMsPer5s: samples,
    rssKiB: { start: rss[0], end: rss[rss.length - 1], max: Math.max(...rss), min: Math.min(...rss) },
    logLines: up.lines - linesBefore,
    clkTck: tck,
  };
  log(`  (c) idle ${out.cpuPercent}% CPU (${out.cpuMs} ms over ${out.seconds} s), RSS ${Math.round(out.rssKiB.end / 1024)} MiB`);
  return out;
}

async function stopUp(up) {
  if (!up || up.exited) return up?.exited ?? null;
  up.child.kill("SIGTERM");
  const timer = setTimeout(() => up.child.kill("SIGKILL"), 15_000);
  const exited = await up.exit;
  clearTimeout(timer);
  return exited;
}

/**
 * Wait (up to BENCH_WAIT_QUIET seconds, default 30) for the machine to be < 25% busy with other
 * work; returns how busy it was and which other processes were busy, for the report.
 */
async function quiet() {
  const q = await waitForQuiet(Number(process.env.BENCH_WAIT_QUIET ?? 30));
  return { ...q, busyProcesses: busyProcesses() };
}

/**
 * (d) Where the time goes: the pieces of a reconcile and a claim, timed one by one in this
 * process on the same board (medians), and how long the watcher takes to report a save.
 */
async function measureSpans(dir, env, dist) {
  const imp = (path) => import(join(dist, path));
  const { boardPaths } = await imp("board/paths.js");
  const { writeContext } = await imp("board/write.js");
  const { loadBoard } = await imp("board/load.js");
  const { readBoardConfig } = await imp("board/config.js");
  const { loadAgents } = await imp("agent/load.js");
  const { buildRegistry } = await imp("agent/registry.js");
  const { BoardRouter } = await imp("agent/route.js");
  const { MetricsLog } = await imp("agent/metrics.js");
  const { beadsFor, takesOf } = await imp("agent/select.js");
  const { expireLeases } = await imp("claim/expire.js");
  const { readHeadFile } = await imp("git/head-file.js");
  const { LiveBoard } = await imp("board/live-board.js");
  const paths = boardPaths(dir);
  const ctx = writeContext(paths, env);
  const config = await readBoardConfig(paths.configFile);
  const agents = loadAgents(paths).agents;
  const router = new BoardRouter({ ctx, config, registry: buildRegistry(agents, env), gatePolicy: { remoteMax: config.policy.remoteMax, localOnly: false }, metrics: new MetricsLog(join(dir, ".git", "bench-spans")), log: () => undefined });
  const me = takesOf(agents[0], "local");
  const spans = {};
  // fn may return the span it timed itself (when it has to set the scene first).
  const time = async (name, fn, runs = 5) => {
    await fn(); // warm
    const list = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const own = await fn(i);
      list.push(typeof own === "number" ? own : performance.now() - t);
    }
    spans[name] = stats(list);
  };
  await time("loadBoard, warm cache (stat every file, read + parse the cache)", () => loadBoard(paths));
  const committed = readdirSync(join(dir, "beads")).find((name) => name.startsWith("bb-over-")) ?? readdirSync(join(dir, "beads"))[0];
  await time("readHeadFile of one bead (the claim's check against HEAD)", () => readHeadFile(paths.root, paths.gitdir, `beads/${committed}`, ctx.cache));
  await time("BoardRouter.run(): the routing pass, loading the board itself (in `bead up` it takes the live board)", () => router.run(), 3);
  const board = await loadBoard(paths);
  await time("beadsFor(): ready beads for the agent", () => beadsFor(me, [me], board.beads, board.byId, Date.now(), []));
  await time("expireLeases(), nothing lapsed, loading the board itself (the sweep, once a minute)", () => expireLeases(ctx, { maxAttempts: config.maxAttempts }), 3);
  // The live board of `bead up`: after one saved file, a look re-reads that file only.
  const live = new LiveBoard(paths);
  live.watch();
  await live.current();
  await time("LiveBoard.current() after one bead saved (re-reads that file)", async (i = 0) => {
    const name = `bb-spans-live-${i}.md`;
    const heard = new Promise((resolve) => {
      const stop = live.onChange((changed) => {
        if (changed === name) {
          stop();
          resolve();
        }
      });
    });
    writeFileSync(join(dir, "beads", name), stubBeadText(`Live probe ${i}`).replace("agent: stub", "agent: nobody"));
    await heard;
    const t = performance.now();
    await live.current();
    return performance.now() - t;
  });
  live.unwatch();
  for (let i = 0; i < 5; i++) rmSync(join(dir, "beads", `bb-spans-live-${i}.md`), { force: true });
  writeFileSync(join(dir, "beads", "bb-spans-racy.md"), stubBeadText("A bead saved a moment ago").replace("agent: stub", "agent: nobody"));
  await time("loadBoard with a bead saved < 2 s ago (parsed again, whole cache rewritten)", () => loadBoard(paths), 3);
  rmSync(join(dir, "beads", "bb-spans-racy.md"));
  // The watcher: from an atomic save to chokidar's `add` (it re-reads and lstat()s the whole
  // directory on every change), beside a bare fs.watch on the same directory.
  const { default: chokidar } = await import("chokidar");
  const { watch } = await import("node:fs");
  const beadsDir = join(dir, "beads");
  const watcher = chokidar.watch([beadsDir], { ignoreInitial: true, ignored: (path) => path.split("/").pop().startsWith(".") && path !== beadsDir });
  const readyStart = performance.now();
  await new Promise((resolve) => watcher.once("ready", resolve));
  const readyMs = performance.now() - readyStart;
  const seen = new Map();
  watcher.on("add", (path) => seen.set(`chokidar ${path.split("/").pop()}`, performance.now()));
  const raw = watch(beadsDir, (_event, name) => {
    if (name && !name.startsWith(".") && !seen.has(`fs.watch ${name}`)) seen.set(`fs.watch ${name}`, performance.now());
  });
  const chokidarMs = [];
  const fsWatchMs = [];
  for (let i = 0; i < 5; i++) {
    await sleep(1200); // past chokidar's 1 s readdir throttle
    const name = `bb-spans-${i}.md`;
    writeFileSync(join(beadsDir, `.${name}.tmp`), stubBeadText(`Watcher probe ${i}`).replace("agent: stub", "agent: nobody"));
    const t = performance.now();
    renameSync(join(beadsDir, `.${name}.tmp`), join(beadsDir, name));
    await waitFor(() => (seen.has(`chokidar ${name}`) ? true : undefined), 10_000, 2);
    chokidarMs.push((seen.get(`chokidar ${name}`) ?? Number.NaN) - t);
    fsWatchMs.push((seen.get(`fs.watch ${name}`) ?? Number.NaN) - t);
  }
  raw.close();
  await watcher.close();
  for (let i = 0; i < 5; i++) rmSync(join(beadsDir, `bb-spans-${i}.md`), { force: true });
  spans["chokidar: atomic save → `add` event"] = stats(chokidarMs);
  spans["fs.watch on beads/: atomic save → event (reference)"] = stats(fsWatchMs);
  const out = { spans, chokidarReadyMs: round1(readyMs), beadFiles: board.beads.length };
  log(`  (d) loadBoard ${spans[Object.keys(spans)[0]].p50} ms; chokidar add ${spans["chokidar: atomic save → `add` event"].p50} ms`);
  return out;
}

/** Run (a), (b), (c); returns a JSON-able result and writes bench/out/agent.json. */
export async function runAgentBench(options = {}) {
  const quick = options.quick ?? process.env.BENCH_QUICK === "1";
  const size = options.size ?? (Number(process.env.BENCH_AGENT_SIZE) || (quick ? 1000 : 10000));
  const config = {
    overheadBeads: options.overheadBeads ?? (quick ? 20 : 50),
    saves: options.saves ?? (quick ? 10 : 30),
    spacingMs: 300,
    idleSeconds: options.idleSeconds ?? (Number(process.env.BENCH_AGENT_IDLE_S) || 60),
  };
  const dist = DIST;
  const env = { ...process.env, BEAD_HOST: HOST, BEAD_ACTOR: "Bench <bench@beadboard.local>", BEAD_CREDENTIAL_HELPER: "0" };
  delete env.BEAD_DEBUG;
  delete env.OLLAMA_HOST;
  const tck = clkTck();
  const started = performance.now();
  const stub = await startModelStub();
  const result = { size, config, stub: { url: stub.url, model: STUB_MODEL }, node: process.version, date: new Date().toISOString() };
  let board;
  let up;
  try {
    log(`${size} beads: generating the board`);
    board = prepareBoard(size, stub.url, env);
    result.setup = { ms: Math.round(board.setupMs), leasesMovedToFuture: board.leases };
    log(`  board ready in ${(board.setupMs / 1000).toFixed(1)} s`);
    result.quiet = { overhead: await quiet() };
    result.overhead = await measureOverhead(board.dir, config.overheadBeads, env, stub, dist);
    result.quiet.watching = await quiet();
    up = await startUp(board.dir, env);
    result.up = { startMs: Math.round(up.startMs) };
    await sleep(2000); // its first routing pass and log lines
    result.claimLatency = await measureClaimLatency(board.dir, config.saves, config.spacingMs, up.child.pid, tck);
    result.idle = await measureIdle(up, config.idleSeconds, tck);
    result.up.exit = await stopUp(up);
    up = undefined;
    result.where = await measureSpans(board.dir, env, dist);
    const status = git(board.dir, ["status", "--porcelain"]).trim();
    result.repo = { commits: Number(git(board.dir, ["rev-list", "--count", "HEAD"]).trim()), status: status === "" ? "clean" : status.split("\n").slice(0, 10) };
  } catch (error) {
    result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (up) result.upStderrTail = up.stderr.slice(-3000);
    log(`failed: ${result.error}`);
  } finally {
    await stopUp(up).catch(() => undefined);
    await stub.close();
    if (board && process.env.BENCH_KEEP !== "1") rmSync(board.dir, { recursive: true, force: true });
    else if (board) result.boardDir = board.dir;
  }
  result.totalSeconds = round1((performance.now() - started) / 1000);
  result.checks = checksOf(result);
  mkdirSync(join(ROOT, "bench", "out"), { recursive: true });
  writeFileSync(join(ROOT, "bench", "out", "agent.json"), `${JSON.stringify(result, null, 1)}\n`);
  return result;
}

function checksOf(r) {
  const checks = [];
  if (r.overhead) checks.push({ what: "agent overhead per bead outside the model call", value: r.overhead.overheadPerBeadMs, unit: "ms", budget: `< ${BUDGET.overheadMs} ms`, ok: r.overhead.overheadPerBeadMs < BUDGET.overheadMs && r.overhead.worked === r.overhead.beads });
  if (r.claimLatency) {
    const c = r.claimLatency.claimCommit;
    checks.push({ what: "save → claim commit, p50", value: c.p50, unit: "ms", budget: `< ${BUDGET.claimP50} ms`, ok: c.p50 < BUDGET.claimP50 && r.claimLatency.misses.length === 0 });
    checks.push({ what: "save → claim commit, p99", value: c.p99, unit: "ms", budget: `< ${BUDGET.claimP99} ms`, ok: c.p99 < BUDGET.claimP99 && r.claimLatency.misses.length === 0 });
  }
  if (r.idle) checks.push({ what: `idle \`bead up\`, CPU over ${r.idle.seconds} s`, value: r.idle.cpuPercent, unit: "%", budget: `< ${BUDGET.idleCpuPct}%`, ok: r.idle.cpuPercent < BUDGET.idleCpuPct });
  return checks;
}

const ms = (v) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(1) : v.toFixed(0)) : "—");
const verdict = (ok) => (ok ? "PASS" : "**MISS**");
const row = (cells) => `| ${cells.join(" | ")} |`;

/** The RESULTS.md section for a runAgentBench() result. */
export function renderMarkdown(r) {
  const out = [`## Agents (bench/agent.js, ${r.size.toLocaleString("en-US")}-bead board, benchmark model stub)`, ""];
  if (r.error && !r.overhead) return `${[...out, `The agent bench failed: \`${r.error.split("\n")[0]}\``, ""].join("\n")}\n`;
  out.push(
    `The model is bench/model-stub.js: an Ollama-protocol stub on 127.0.0.1 that streams the same valid reply at once, so the numbers are the agent's own cost. The stub agent (\`provider: ollama\`, \`model: ${STUB_MODEL}\`) takes only beads labelled \`benchstub\` or assigned to it; the generated board's other beads are for agents that do not exist, and the leases of its claimed beads run.`,
    "",
  );
  const q = Object.entries(r.quiet ?? {}).map(([what, v]) => `${what} ${Math.round(v.busy * 100)}%${v.waitedSeconds > 2 ? ` (after waiting ${v.waitedSeconds} s)` : ""}`);
  if (q.length) out.push(`Machine busy with other work (all cores, /proc/stat, over 2 s) just before: ${q.join(", ")}. Total bench time ${Math.round(r.totalSeconds)} s (board generation ${Math.round((r.setup?.ms ?? 0) / 1000)} s).`, "");
  out.push(row(["measurement", "value", "budget", "verdict"]), row(["---", "--:", "---", "---"]));
  for (const c of r.checks) out.push(row([c.what, c.unit === "%" ? `${c.value}%` : `${ms(c.value)} ms`, c.budget, verdict(c.ok)]));
  out.push("");
  const o = r.overhead;
  if (o) {
    out.push(`### Per-bead overhead: ${o.worked} of ${o.beads} beads worked by \`supervise({ once: true })\` in one process`, "");
    out.push(
      `Wall ${ms(o.wallMs)} ms, of which the model calls (client side, \`latency_ms\`) ${ms(o.modelMs)} ms over ${o.modelCalls} calls: (wall − model) / N = **${ms(o.overheadPerBeadMs)} ms** per bead. Steady state (from one bead's \`done\` to the next's, minus the model): ${ms(o.steadyPerBeadMs)} ms. Fixed costs inside the wall: ${ms(o.fixedMs.beforeFirstClaim)} ms before the first claim (agents, expiry sweep, routing pass, board load), ${ms(o.fixedMs.afterLastDone)} ms after the last \`done\` (the rounds that find nothing more).`,
      "",
    );
    out.push(row(["span (metrics.jsonl timestamps, ms resolution)", "p50", "p95", "max", "mean"]), row(["---", "--:", "--:", "--:", "--:"]));
    for (const [name, s] of Object.entries(o.spans)) out.push(row([name, ms(s.p50), ms(s.p95), ms(s.max), ms(s.mean)]));
    for (const [name, s] of Object.entries(o.claimer)) out.push(row([`claimer.${name}() (timed wrapper)`, ms(s.p50), ms(s.p95), ms(s.max), ms(s.mean)]));
    out.push("");
  }
  const c = r.claimLatency;
  if (c) {
    out.push(`### Save → claim commit: a watching \`bead up\` process, ${c.saves} beads saved by hand`, "");
    out.push(
      `Each bead file is written to a dot-file and renamed into beads/ (an atomic save), at least ${c.spacingMs} ms after the previous save, after the agent finished the previous bead, and once the \`bead up\` process has used no CPU for 300 ms (an idle agent, as a person's save usually finds it${c.savedWhileBusy ? `; ${c.savedWhileBusy} saves went ahead after waiting 10 s for that` : ""}). The claim's time is its \`claim\` event in metrics.jsonl, recorded once the claim commit is made; \`claimed_at\` in the file is when the claim was decided, before the commit.`,
      "",
    );
    out.push(row(["from the save to", "p50", "p95", "p99", "min", "max", "budget", "verdict"]), row(["---", "--:", "--:", "--:", "--:", "--:", "---", "---"]));
    const ok = c.claimCommit.p50 < BUDGET.claimP50 && c.claimCommit.p99 < BUDGET.claimP99 && c.misses.length === 0;
    out.push(row(["the claim commit", ms(c.claimCommit.p50), ms(c.claimCommit.p95), ms(c.claimCommit.p99), ms(c.claimCommit.min), ms(c.claimCommit.max), `p50 < ${BUDGET.claimP50}, p99 < ${BUDGET.claimP99}`, verdict(ok)]));
    out.push(row(["`claimed_at` (claim decided)", ms(c.claimDecided.p50), ms(c.claimDecided.p95), ms(c.claimDecided.p99), ms(c.claimDecided.min), ms(c.claimDecided.max), "—", "—"]));
    out.push(row(["`done` (result committed)", ms(c.worked.p50), ms(c.worked.p95), ms(c.worked.p99), ms(c.worked.min), ms(c.worked.max), "—", "—"]));
    if (c.misses.length) out.push("", `Not claimed within 15 s: ${c.misses.join(", ")}`);
    out.push("");
  }
  const i = r.idle;
  if (i) {
    out.push(`### Idle \`bead up\` over ${i.seconds} s, nothing ready for its agent`, "");
    out.push(
      `CPU (utime + stime from /proc/<pid>/stat, ${i.clkTck} ticks/s): ${ms(i.cpuMs)} ms = **${i.cpuPercent}%** of one core (budget < ${BUDGET.idleCpuPct}%: ${verdict(i.cpuPercent < BUDGET.idleCpuPct)}). Per 5 s: ${i.cpuMsPer5s.join(", ")} ms. RSS (VmRSS): ${Math.round(i.rssKiB.start / 1024)} MiB at the start, ${Math.round(i.rssKiB.end / 1024)} MiB at the end, ${Math.round(i.rssKiB.max / 1024)} MiB at most (no budget). It started watching ${ms(r.up.startMs)} ms after spawn.`,
      "",
    );
  }
  const w = r.where;
  if (w) {
    out.push(`### Where the time goes (${r.size.toLocaleString("en-US")} beads; each piece timed alone in one process, after a warm-up run)`, "");
    out.push(row(["piece", "p50", "min", "max", "runs"]), row(["---", "--:", "--:", "--:", "--:"]));
    for (const [name, s] of Object.entries(w.spans)) out.push(row([name, ms(s.p50), ms(s.min), ms(s.max), String(s.n)]));
    out.push(
      "",
      `In \`bead up\`, a reconcile (on every watcher event) takes the live board (board/live-board.ts: a full \`loadBoard\` only for the first look, once a minute and after an event that names no file; otherwise it re-reads the files that \`fs.watch\` named), then runs the routing pass and \`beadsFor\` on it; the expiry sweep takes its candidates from it too. A claim is the check against HEAD plus a one-file commit. The chokidar watcher took ${ms(w.chokidarReadyMs)} ms to be ready on ${w.beadFiles.toLocaleString("en-US")} files.`,
      "",
    );
  }
  if (r.error) out.push(`The bench stopped early: \`${r.error.split("\n")[0]}\``, "");
  return `${out.join("\n")}\n`;
}
