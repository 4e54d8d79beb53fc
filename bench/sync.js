// Sync benchmarks (issue 5, DESIGN §10) against a real smart-HTTP git server on 127.0.0.1
// (test/helpers/git-server.ts, the tests' rig: `git http-backend` behind Basic auth with a
// token, as Forgejo takes it), serving a 1,000-bead board:
//   (a) sync round trip: `bead sync` as a whole process, with nothing new and with one new commit
//       from another clone to fetch and merge, beside `git pull` and `git fetch` by the git CLI on
//       the same server in the same run (interleaved, the order rotated each round);
//   (b) claims per second across 4 clones: 4 processes, each in its own git CLI clone, run
//       claimAndPush (dist/claim/remote-claim.js) over one shared list of 100 beads, each in its
//       own random order; wins, refusals, double claims in the server's history (must be 0), and
//       `git fsck --no-dangling` on the server and on every clone.
//
//   import { runSyncBench, renderMarkdown } from "./sync.js";
//   const result = await runSyncBench();           // also writes bench/out/sync.json
//
// Environment: BENCH_QUICK=1 (fewer rounds, 40 beads)  BENCH_KEEP=1 (keep the temp dirs)
//              BENCH_DIST (a snapshot of dist/, as bench/run.js uses)
// This file is also the racing claimer process: node bench/sync.js claimer <clone> <ids.json> <name> <seed>
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { randomBytes } from "node:crypto";
import { generateBoard, git as gitSync, shuffled } from "./gen.js";
import { importTs } from "./ts-module.js";
import { busyProcesses, waitForQuiet } from "./machine.js";
import { summarize } from "./timing.js";

// The tests' smart-HTTP git server (git http-backend behind Basic auth, as Forgejo takes tokens) and git env.
const { startGitServer } = await importTs("test/helpers/git-server.ts");
const { gitEnv } = await importTs("test/helpers/temp-board.ts");

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// BENCH_DIST: a snapshot of dist/ (bench/run.js takes one, with bin/ beside it): measure that.
const DIST = process.env.BENCH_DIST ?? join(ROOT, "dist");
const BEAD_BIN = process.env.BENCH_DIST ? join(dirname(process.env.BENCH_DIST), "bin", "bead.js") : join(ROOT, "bin", "bead.js");
const SELF = fileURLToPath(import.meta.url);
const BOARD_SIZE = 1000;
const CLONES = 4;
const USER = "bench";

const log = (message) => process.stderr.write(`[bench sync ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const round1 = (v) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : v);
const stats = (list) => {
  const s = summarize(list);
  return { n: s.n, p50: round1(s.p50), p95: round1(s.p95), p99: round1(s.p99), min: round1(s.min), max: round1(s.max), mean: round1(s.mean) };
};

/**
 * Run a process to its end without blocking the event loop (the git server answers from this
 * same process); wall time from spawn to exit.
 */
function run(argv, cwd, env, { check = true, input } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    if (input !== undefined) child.stdin.end(input);
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      if (check && code !== 0) reject(new Error(`${argv.join(" ")} (in ${cwd}) exited ${code}: ${stderr.slice(-2000)}`));
      else resolve({ ms, code, stdout, stderr });
    });
  });
}

/** (a) Interleaved timing of `bead sync`, `git pull`, `git fetch`, each in its own clone. */
async function measureRoundTrips(clones, env, beadEnv, editIds, rounds) {
  const BEAD = [process.execPath, BEAD_BIN];
  const commands = {
    "bead sync": (dir) => [...BEAD, "sync", "-C", dir],
    "git pull": () => ["git", "pull", "-q", "--ff-only"],
    "git fetch": () => ["git", "fetch", "-q"],
  };
  const dirOf = { "bead sync": clones.bead, "git pull": clones.pull, "git fetch": clones.fetch };
  const envOf = (name) => (name === "bead sync" ? beadEnv : env);
  const names = Object.keys(commands);
  // syncBoard() itself, in this process (no process start, modules loaded): what `bead sync`
  // costs beyond starting Node and importing. It shares this process's event loop with the server.
  const inproc = await inProcessSyncer(clones.inproc, beadEnv);
  const INPROC = "syncBoard() in-process (in a 5th clone)";
  dirOf[INPROC] = clones.inproc;
  names.push(INPROC);
  const timeOne = async (name) => {
    if (name === INPROC) {
      const t = performance.now();
      const r = await inproc();
      return { ms: performance.now() - t, stdout: r.action };
    }
    return run(commands[name](dirOf[name]), dirOf[name], envOf(name));
  };
  // Warm-up: each once (the first bead process also creates .git/beadboard/).
  for (const name of names) await timeOne(name);
  const out = { nothingNew: {}, oneCommit: {} };
  for (const name of names) {
    out.nothingNew[name] = [];
    out.oneCommit[name] = [];
  }
  out.nothingNew["node -e 0 (bare Node start)"] = [];
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length];
      out.nothingNew[name].push((await timeOne(name)).ms);
    }
    out.nothingNew["node -e 0 (bare Node start)"].push((await run([process.execPath, "-e", "0"], clones.bead, env)).ms);
  }
  log(`  (a) nothing new: ${rounds} rounds done`);
  let beadOutput = "";
  for (let i = 0; i < rounds; i++) {
    // Another clone (the git CLI) pushes one commit: a person's edit to one bead. Untimed.
    const id = editIds[i % editIds.length];
    appendFileSync(join(clones.writer, "beads", `${id}.md`), `\nEdited on another machine, round ${i}.\n`);
    await run(["git", "commit", "-q", "-am", `edit ${id} (round ${i})`], clones.writer, env);
    await run(["git", "push", "-q"], clones.writer, env);
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length];
      const r = await timeOne(name);
      out.oneCommit[name].push(r.ms);
      if (name === "bead sync") beadOutput = r.stdout.trim();
    }
  }
  log(`  (a) one new commit: ${rounds} rounds done`);
  const heads = {};
  for (const [name, dir] of Object.entries({ bead: clones.bead, pull: clones.pull, inproc: clones.inproc, writer: clones.writer })) heads[name] = (await run(["git", "rev-parse", "HEAD"], dir, env)).stdout.trim();
  const status = (await run(["git", "status", "--porcelain"], clones.bead, env)).stdout.trim();
  return {
    rounds,
    nothingNew: Object.fromEntries(Object.entries(out.nothingNew).map(([k, v]) => [k, { ...stats(v), times: v.map(round1) }])),
    oneCommit: Object.fromEntries(Object.entries(out.oneCommit).map(([k, v]) => [k, { ...stats(v), times: v.map(round1) }])),
    lastBeadSyncOutput: beadOutput,
    inStep: heads.bead === heads.writer && heads.pull === heads.writer && heads.inproc === heads.writer,
    beadCloneStatus: status === "" ? "clean" : status.split("\n").slice(0, 10),
  };
}

async function inProcessSyncer(dir, env) {
  const dist = DIST;
  const { boardPaths } = await import(join(dist, "board", "paths.js"));
  const { writeContext } = await import(join(dist, "board", "write.js"));
  const { resolveRemote } = await import(join(dist, "git", "remote.js"));
  const { syncBoard } = await import(join(dist, "git", "sync.js"));
  const paths = boardPaths(dir);
  const remote = await resolveRemote(paths, env);
  // A fresh write context (and object cache) each time, as each `bead sync` process has.
  return () => syncBoard(writeContext(paths, env), remote);
}

/** (b) CLONES processes race claimAndPush over the same beads, each clone in its own order. */
async function measureClaims(server, repoUrl, env, beadEnv, ids, base) {
  const file = join(base, "claim-ids.json");
  writeFileSync(file, JSON.stringify(ids));
  const clones = [];
  for (let n = 0; n < CLONES; n++) {
    const dir = join(base, `racer${n}`);
    await run(["git", "clone", "-q", repoUrl, dir], base, env);
    gitSync(dir, ["config", "gc.auto", "0"]);
    clones.push(dir);
  }
  log(`  (b) ${CLONES} processes × ${ids.length} beads`);
  const children = clones.map((dir, n) => {
    const child = spawn(process.execPath, [SELF, "claimer", dir, file, `racer${n}`, String(4242 + n)], { cwd: dir, env: beadEnv, stdio: ["pipe", "pipe", "pipe"] });
    const state = { child, stdout: "", stderr: "" };
    state.done = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    state.ready = new Promise((resolve) => {
      child.stdout.setEncoding("utf8").on("data", (chunk) => {
        state.stdout += chunk;
        if (state.stdout.startsWith("ready\n")) resolve();
      });
      void state.done.then(resolve);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk) => (state.stderr += chunk));
    child.stdin.on("error", () => undefined);
    return state;
  });
  const timeout = setTimeout(() => {
    for (const c of children) c.child.kill("SIGKILL"); // only the processes started here, by handle
  }, 240_000);
  await Promise.all(children.map((c) => c.ready));
  const requestsBefore = server.requests.length;
  const go = Date.now();
  for (const c of children) if (c.child.exitCode === null) c.child.stdin.end("go\n");
  const codes = await Promise.all(children.map((c) => c.done));
  clearTimeout(timeout);
  const results = children.map((c, n) => {
    try {
      return JSON.parse(c.stdout.trim().split("\n").pop());
    } catch {
      return { name: `racer${n}`, crashed: true, claimed: [], refused: 0, refusedMs: [], errors: [`racer${n} exited ${codes[n]}: ${c.stderr.slice(-500)}`], ended: go };
    }
  });
  const wallMs = Math.max(...results.map((r) => r.ended)) - go;
  const wins = results.flatMap((r) => r.claimed.map((w) => ({ ...w, by: r.name })));
  const winners = new Map();
  for (const w of wins) winners.set(w.id, [...(winners.get(w.id) ?? []), w.by]);
  const doubleInProcesses = [...winners].filter(([, by]) => by.length > 1).map(([id]) => id);
  const bare = server.barePath("board");
  const subjects = (await run(["git", "log", "--format=%s", "main"], bare, env)).stdout.split("\n");
  const idSet = new Set(ids);
  const claimCommits = new Map();
  for (const subject of subjects) {
    const m = /^claim (\S+) by (racer\d+)$/.exec(subject);
    if (m && idSet.has(m[1])) claimCommits.set(m[1], [...(claimCommits.get(m[1]) ?? []), m[2]]);
  }
  const doubleInHistory = [...claimCommits].filter(([, by]) => by.length > 1).map(([id, by]) => `${id} (${by.join(", ")})`);
  // The server's final files: each bead claimed, by the process that was told it won.
  const batch = (await run(["git", "cat-file", "--batch"], bare, env, { input: ids.map((id) => `main:beads/${id}.md\n`).join("") })).stdout;
  const mismatched = [];
  const files = splitBatch(batch);
  for (const [i, id] of ids.entries()) {
    const text = files[i] ?? "";
    const by = /^claimed_by: (\S+)@/m.exec(text)?.[1];
    const status = /^status: (\S+)$/m.exec(text)?.[1];
    const told = winners.get(id) ?? [];
    if (status !== "claimed" || told.length !== 1 || by !== told[0]) mismatched.push(`${id}: server ${status}/${by ?? "-"}, told ${told.join("+") || "nobody"}`);
  }
  const fsck = async (dir) => {
    const r = await run(["git", "fsck", "--no-dangling"], dir, env, { check: false });
    return r.code === 0 && r.stderr.trim() === "" && r.stdout.trim() === "" ? "clean" : `exit ${r.code}: ${(r.stdout + r.stderr).trim().slice(0, 300)}`;
  };
  const winMs = wins.map((w) => w.ms);
  const refusedMs = results.flatMap((r) => r.refusedMs ?? []);
  const rounds = wins.map((w) => w.attempts);
  const refused = results.reduce((sum, r) => sum + r.refused, 0);
  const out = {
    processes: CLONES,
    beads: ids.length,
    wins: wins.length,
    refused,
    // A claim given up after maxAttempts lost pushes (PushKeepsLosingError, E_PUSH_REJECTED) is
    // the documented bounded retry, not a wrong result: counted apart from other errors.
    gaveUp: results.flatMap((r) => r.errors).filter((e) => / E_PUSH_REJECTED /.test(e)),
    errors: results.flatMap((r) => r.errors).filter((e) => !/ E_PUSH_REJECTED /.test(e)),
    wallMs,
    claimsPerSecond: +((wins.length * 1000) / wallMs).toFixed(2),
    attemptsPerSecond: +(((wins.length + refused + results.reduce((n, r) => n + r.errors.length, 0)) * 1000) / wallMs).toFixed(2),
    winLatency: stats(winMs),
    refusalLatency: stats(refusedMs),
    roundsPerWin: stats(rounds),
    perProcessWins: results.map((r) => r.claimed.length),
    refusalReasons: results.map((r) => (r.reasons ?? []).slice(0, 2)),
    unclaimed: ids.filter((id) => !winners.has(id)),
    doubleInProcesses,
    doubleInHistory,
    serverMismatches: mismatched,
    serverRequests: server.requests.length - requestsBefore,
    fsckServer: await fsck(bare),
    fsckClones: await Promise.all(clones.map(fsck)),
  };
  log(`  (b) ${out.wins} wins, ${out.refused} refused, ${out.gaveUp.length} gave up, ${out.errors.length} errors in ${(wallMs / 1000).toFixed(1)} s: ${out.claimsPerSecond} claims/s; ${doubleInHistory.length} double claims; server fsck ${out.fsckServer}`);
  return out;
}

/** Split `git cat-file --batch` output into the files' texts, in order ("missing" entries become ""). */
function splitBatch(output) {
  const buf = Buffer.from(output, "utf8");
  const files = [];
  let at = 0;
  while (at < buf.length) {
    const nl = buf.indexOf(10, at);
    if (nl < 0) break;
    const header = buf.subarray(at, nl).toString("utf8");
    const m = /^\S+ blob (\d+)$/.exec(header);
    if (!m) {
      files.push("");
      at = nl + 1;
      continue;
    }
    const size = Number(m[1]);
    files.push(buf.subarray(nl + 1, nl + 1 + size).toString("utf8"));
    at = nl + 1 + size + 1;
  }
  return files;
}

/** Wait (up to BENCH_WAIT_QUIET seconds, default 30) for the machine to be < 25% busy with other work. */
async function quiet() {
  const q = await waitForQuiet(Number(process.env.BENCH_WAIT_QUIET ?? 30));
  return { ...q, busyProcesses: busyProcesses() };
}

/** Run (a) and (b); returns a JSON-able result and writes bench/out/sync.json. */
export async function runSyncBench(options = {}) {
  const quick = options.quick ?? process.env.BENCH_QUICK === "1";
  const config = { boardSize: BOARD_SIZE, rounds: options.rounds ?? (quick ? 5 : 15), claimBeads: options.claimBeads ?? (quick ? 40 : 100), clones: CLONES };
  const token = randomBytes(16).toString("hex");
  const authHeader = `Authorization: Basic ${Buffer.from(`${USER}:${token}`).toString("base64")}`;
  // The git CLI sends the token as a header from the environment: nothing is written to a config file.
  const env = gitEnv([["http.extraHeader", authHeader], ["user.name", "Bench"], ["user.email", "bench@beadboard.local"], ["pull.rebase", "false"]]);
  const beadEnv = { ...process.env, BEAD_TOKEN: token, BEAD_CREDENTIAL_HELPER: "0", BEAD_HOST: "bench", BEAD_ACTOR: "Bench <bench@beadboard.local>" };
  delete beadEnv.BEAD_DEBUG;
  if (process.env.BENCH_DIST) beadEnv.BENCH_DIST = process.env.BENCH_DIST;
  const started = performance.now();
  const result = { config, node: process.version, date: new Date().toISOString() };
  const base = mkdtempSync(join(tmpdir(), "beadboard-bench-sync-"));
  let server;
  let board;
  try {
    server = await startGitServer({ token });
    log(`${BOARD_SIZE} beads: generating the board, pushing it to ${server.url}`);
    board = generateBoard(BOARD_SIZE, 11);
    gitSync(board.dir, ["gc", "-q"]);
    await server.createRepo("board", { from: board.dir });
    const repoUrl = server.repoUrl("board");
    // A wrong token is refused (the server really checks).
    const denied = await run(["git", "ls-remote", repoUrl], base, gitEnv([["http.extraHeader", "Authorization: Basic YmVuY2g6d3Jvbmc="]]), { check: false });
    result.server = { url: server.url, auth: "Basic, token as password", wrongTokenRefused: denied.code !== 0 };
    const clones = {};
    for (const name of ["bead", "pull", "fetch", "inproc", "writer"]) {
      clones[name] = join(base, name);
      await run(["git", "clone", "-q", repoUrl, clones[name]], base, env);
      gitSync(clones[name], ["config", "gc.auto", "0"]);
    }
    const claimIds = shuffled(board.claimable, 99).slice(0, config.claimBeads);
    const claimSet = new Set(claimIds);
    const editIds = board.ids.filter((id) => !claimSet.has(id)).slice(0, config.rounds);
    result.quiet = { roundTrip: await quiet() };
    result.roundTrip = await measureRoundTrips(clones, env, beadEnv, editIds, config.rounds);
    result.quiet.claims = await quiet();
    result.claims = await measureClaims(server, repoUrl, env, beadEnv, claimIds, base);
    result.server.requests = server.requests.length;
    result.server.byStatus = {};
    for (const { status } of server.requests) result.server.byStatus[status] = (result.server.byStatus[status] ?? 0) + 1;
  } catch (error) {
    result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`failed: ${result.error}`);
  } finally {
    await server?.close();
    if (process.env.BENCH_KEEP === "1") result.dirs = { base, board: board?.dir };
    else {
      rmSync(base, { recursive: true, force: true });
      if (board) rmSync(board.dir, { recursive: true, force: true });
    }
  }
  result.totalSeconds = round1((performance.now() - started) / 1000);
  result.checks = checksOf(result);
  mkdirSync(join(ROOT, "bench", "out"), { recursive: true });
  writeFileSync(join(ROOT, "bench", "out", "sync.json"), `${JSON.stringify(result, null, 1)}\n`);
  return result;
}

function checksOf(r) {
  const checks = [];
  const rt = r.roundTrip;
  if (rt) {
    checks.push({ what: "`bead sync`, nothing new (p50, whole process)", value: `${ms(rt.nothingNew["bead sync"].p50)} ms (git pull ${ms(rt.nothingNew["git pull"].p50)}, git fetch ${ms(rt.nothingNew["git fetch"].p50)})`, budget: "— (reported)", ok: undefined });
    checks.push({ what: "`bead sync`, one new commit to fetch and merge (p50)", value: `${ms(rt.oneCommit["bead sync"].p50)} ms (git pull ${ms(rt.oneCommit["git pull"].p50)}, git fetch ${ms(rt.oneCommit["git fetch"].p50)})`, budget: "— (reported)", ok: undefined });
  }
  const c = r.claims;
  if (c) {
    checks.push({ what: `claims per second, ${c.processes} clones × ${c.beads} beads`, value: `${c.claimsPerSecond} claims/s (${c.wins} wins, ${c.refused} refused, ${c.gaveUp.length} gave up after 10 lost pushes, ${c.errors.length} errors, ${(c.wallMs / 1000).toFixed(1)} s)`, budget: "— (reported)", ok: undefined });
    checks.push({ what: "wins per clone (fairness, informational)", value: c.perProcessWins.join(", "), budget: "—", ok: undefined });
    checks.push({
      what: "double claims in the server's history / wins the server does not show",
      value: `${c.doubleInHistory.length} / ${c.serverMismatches.length}`,
      budget: "0 / 0, every bead claimed",
      ok: c.doubleInHistory.length === 0 && c.doubleInProcesses.length === 0 && c.serverMismatches.length === 0 && c.unclaimed.length === 0 && c.errors.length === 0,
    });
    const clonesClean = c.fsckClones.every((f) => f === "clean");
    checks.push({ what: "`git fsck --no-dangling`, server / clones", value: `${c.fsckServer} / ${clonesClean ? "clean" : c.fsckClones.join("; ")}`, budget: "clean / clean", ok: c.fsckServer === "clean" && clonesClean });
  }
  return checks;
}

const ms = (v) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(1) : v.toFixed(0)) : "—");
const verdict = (ok) => (ok === undefined ? "—" : ok ? "PASS" : "**MISS**");
const row = (cells) => `| ${cells.join(" | ")} |`;

/** The RESULTS.md section for a runSyncBench() result. */
export function renderMarkdown(r) {
  const out = [`## Sync through a smart-HTTP git server (bench/sync.js, ${r.config.boardSize.toLocaleString("en-US")}-bead board)`, ""];
  if (r.error && !r.roundTrip) return `${[...out, `The sync bench failed: \`${r.error.split("\n")[0]}\``, ""].join("\n")}\n`;
  out.push(
    "The server is test/helpers/git-server.ts (the tests' rig): `git http-backend` (the system git's) behind a Node HTTP server on 127.0.0.1, Basic auth with a token as password, the way Forgejo takes access tokens (a wrong token is refused: " +
      `${r.server?.wrongTokenRefused ? "checked" : "**not** checked"}). The board is pushed to it, then cloned with the git CLI. \`bead\` gets the token from BEAD_TOKEN; the git CLI from an \`http.extraHeader\` in its environment. DESIGN §10 sets no time budget for sync; the budget here is correctness.`,
    "",
  );
  const q = Object.entries(r.quiet ?? {}).map(([what, v]) => `${what} ${Math.round(v.busy * 100)}%${v.waitedSeconds > 2 ? ` (after waiting ${v.waitedSeconds} s)` : ""}`);
  if (q.length) out.push(`Machine busy with other work (all cores, /proc/stat, over 2 s) just before: ${q.join(", ")}. Total bench time ${Math.round(r.totalSeconds)} s.`, "");
  out.push(row(["measurement", "value", "budget", "verdict"]), row(["---", "---", "---", "---"]));
  for (const c of r.checks) out.push(row([c.what, c.value, c.budget, verdict(c.ok)]));
  out.push("");
  const rt = r.roundTrip;
  if (rt) {
    out.push(`### Sync round trip, whole processes (${rt.rounds} interleaved rounds each, the order rotated)`, "");
    out.push(
      "Each command runs in its own clone. *Nothing new*: every clone already has the server's tip. *One new commit*: before each round a fifth clone (the git CLI) pushes one commit editing one bead; then `bead sync` fetches it and fast-forwards (files and index), `git pull --ff-only` does the same, `git fetch` only fetches.",
      "",
    );
    out.push(row(["command", "case", "p50", "p95", "min", "mean", "runs"]), row(["---", "---", "--:", "--:", "--:", "--:", "--:"]));
    for (const [label, group] of [["nothing new", rt.nothingNew], ["one new commit", rt.oneCommit]]) {
      for (const [name, s] of Object.entries(group)) out.push(row([`\`${name}\``, label, ms(s.p50), ms(s.p95), ms(s.min), ms(s.mean), String(s.n)]));
    }
    out.push("", `After the rounds the \`bead\` clone is ${rt.inStep ? "at the same commit as the writer and the git CLI clones" : "**not** at the writer's commit"}, \`git status\` ${typeof rt.beadCloneStatus === "string" ? rt.beadCloneStatus : "dirty"}. Last \`bead sync\` said: \`${rt.lastBeadSyncOutput.split("\n")[0]}\`.`, "");
  }
  const c = r.claims;
  if (c) {
    out.push(`### Claims across ${c.processes} clones: each process claims all ${c.beads} beads in its own random order with \`claimAndPush\``, "");
    out.push(row(["wins", "refused", "gave up", "errors", "wall", "claims/s", "attempts/s", "win latency p50 / p99", "refusal p50", "rounds per win p50 / max", "wins per process", "double claims (history / processes)", "verdict"]));
    out.push(row(["--:", "--:", "--:", "--:", "--:", "--:", "--:", "--:", "--:", "--:", "---", "---", "---"]));
    const ok = c.doubleInHistory.length === 0 && c.doubleInProcesses.length === 0 && c.serverMismatches.length === 0 && c.unclaimed.length === 0 && c.errors.length === 0;
    out.push(
      row([
        String(c.wins),
        String(c.refused),
        String(c.gaveUp.length),
        String(c.errors.length),
        `${(c.wallMs / 1000).toFixed(1)} s`,
        String(c.claimsPerSecond),
        String(c.attemptsPerSecond),
        `${ms(c.winLatency.p50)} / ${ms(c.winLatency.p99)} ms`,
        `${ms(c.refusalLatency.p50)} ms`,
        `${c.roundsPerWin.p50} / ${c.roundsPerWin.max}`,
        c.perProcessWins.join(", "),
        `${c.doubleInHistory.length} / ${c.doubleInProcesses.length}`,
        verdict(ok),
      ]),
    );
    const top = Math.max(...c.perProcessWins);
    if (c.wins > 0 && top >= 0.75 * c.wins) {
      out.push(
        "",
        `One clone won ${top} of ${c.wins}: once ahead, it claims on its own tip and pushes at once (one optimistic round, about ${ms(c.winLatency.p50)} ms), and it needs no fetch because nobody else gets a push in; a losing clone's round (back-off, fetch, merge, claim, push) takes longer than the winner's next push, so it loses again, until the winner has claimed its bead and it is refused. Claims per second is therefore one clone's serial rate; no claim is ever lost or doubled.`,
      );
    }
    out.push("", `${c.serverRequests} HTTP requests reached the server during the race. On the server every bead is claimed by the process that was told it won: ${c.serverMismatches.length === 0 ? "yes" : `**no**: ${c.serverMismatches.slice(0, 5).join("; ")}`}. \`git fsck --no-dangling\`: server ${c.fsckServer}, clones ${c.fsckClones.join(", ")}.`);
    if (c.gaveUp.length) {
      const ids = c.gaveUp.map((e) => e.split(":")[0]);
      out.push("", `Gave up with PushKeepsLosingError (nothing claimed, the bounded retry of DESIGN §5): ${ids.join(", ")}; e.g. \`${c.gaveUp[0].slice(ids[0].length + 2, 240)}\``);
    }
    if (c.errors.length) out.push("", `Errors: ${c.errors.slice(0, 5).join("; ")}`);
    if (c.unclaimed.length) out.push("", `Never claimed: ${c.unclaimed.slice(0, 10).join(", ")}`);
    out.push("");
  }
  if (r.error) out.push(`The bench stopped early: \`${r.error.split("\n")[0]}\``, "");
  return `${out.join("\n")}\n`;
}

/** The racing process of (b). */
async function claimer([dir, idsFile, name, seedText]) {
  const ids = JSON.parse(readFileSync(idsFile, "utf8"));
  const dist = DIST;
  const { boardPaths } = await import(join(dist, "board", "paths.js"));
  const { writeContext } = await import(join(dist, "board", "write.js"));
  const { resolveRemote } = await import(join(dist, "git", "remote.js"));
  const { claimAndPush } = await import(join(dist, "claim", "remote-claim.js"));
  const paths = boardPaths(dir);
  const ctx = writeContext(paths, process.env);
  const remote = await resolveRemote(paths, process.env);
  const order = shuffled(ids, Number(seedText));
  process.stdout.write("ready\n");
  await new Promise((resolve) => process.stdin.once("data", resolve));
  process.stdin.pause();
  const started = Date.now();
  const claimed = [];
  const refusedMs = [];
  const errors = [];
  const reasons = [];
  for (const id of order) {
    const t = performance.now();
    try {
      const outcome = await claimAndPush(ctx, id, { agent: name, leaseMs: 15 * 60_000, host: "bench" }, remote);
      claimed.push({ id, ms: round1(performance.now() - t), attempts: outcome.attempts });
    } catch (error) {
      if (error?.code === "E_CLAIM_REFUSED") {
        refusedMs.push(round1(performance.now() - t));
        if (reasons.length < 5) reasons.push(error.message);
      }
      else errors.push(`${id}: ${error?.code ?? ""} ${error?.message ?? String(error)}`);
    }
  }
  process.stdout.write(`${JSON.stringify({ name, started, ended: Date.now(), claimed, refused: refusedMs.length, refusedMs, reasons, errors })}\n`);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url && process.argv[2] === "claimer") {
  await claimer(process.argv.slice(3));
}
