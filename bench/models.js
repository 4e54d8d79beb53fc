// Model-aware scheduling (issue 18): three agents on three models, one model server that fits two,
// 300 beads. Model loads and total time with model-aware scheduling against first-come order
// (BEAD_SCHEDULE=first-come: what `bead up` did before), in the same run, same double, same board
// contents. Goal: at least 3× fewer loads and 1.5× less total time.
//
// The server is the tests' Ollama double (test/helpers/ollama-double.ts) at real pace: a model
// takes BENCH_LOAD_MS (default 400) to switch in, only two fit (loading a third evicts the least
// recently used idle one), two requests run at once, and each reply is 20 tokens at 200 tokens/s.
// The agents run in this process through supervise() from dist/ (what `bead up --once` runs).
//
//   npm run build && node bench/models.js        BENCH_MODELS_BEADS=<n> (default 300)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { importTs } from "./ts-module.js";
import { machineInfo } from "./machine.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BEADS = Number(process.env.BENCH_MODELS_BEADS ?? 300);
const LOAD_MS = Number(process.env.BENCH_LOAD_MS ?? 400);
const AGENTS = [
  ["alpha", "alpha:3b"],
  ["beta", "beta:7b"],
  ["gamma", "gamma:8b"],
];
const REPLY = JSON.stringify({ result: "ok", outcome: "done", memory: [], followups: [] });

const log = (message) => process.stderr.write(`[bench models ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const { startOllamaDouble } = await importTs("test/helpers/ollama-double.ts");
const { supervise } = await import(pathToFileURL(join(ROOT, "dist", "agent", "supervisor.js")).href);
const { boardPaths } = await import(pathToFileURL(join(ROOT, "dist", "board", "paths.js")).href);

function git(dir, args) {
  execFileSync("git", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "b@b", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "b@b" } });
}

function makeBoard(url) {
  const dir = mkdtempSync(join(tmpdir(), "bench-models-"));
  git(dir, ["init", "-q", "-b", "main"]);
  mkdirSync(join(dir, "agents"));
  mkdirSync(join(dir, "beads"));
  writeFileSync(join(dir, ".beadboard.yml"), `servers:\n  ${url}:\n    parallel: 2\n    models: 2\n    max_wait: 10m\n`);
  for (const [name, model] of AGENTS) {
    writeFileSync(join(dir, "agents", `${name}.md`), `---\nname: ${name}\nprovider: ollama\nmodel: ${model}\nhost: ${url}\ntakes: { labels: [${name}] }\n---\nYou are ${name}.\n`);
  }
  for (let i = 0; i < BEADS; i++) {
    const [name] = AGENTS[i % AGENTS.length];
    writeFileSync(join(dir, "beads", `job-${String(i).padStart(4, "0")}.md`), `---\ntitle: job ${i}\nlabels: [${name}]\n---\nDo job ${i}.\n`);
  }
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "-m", "bench board"]);
  return dir;
}

async function runOnce(schedule) {
  const double = await startOllamaDouble({
    models: AGENTS.map(([, model]) => ({ name: model, loadMs: LOAD_MS, evalTokensPerSecond: 200 })),
    replies: () => ({ content: REPLY, evalTokens: 20 }),
    load: { maxLoaded: 2, parallel: 2, pace: "real" },
  });
  const dir = makeBoard(double.url);
  const env = { ...process.env, BEAD_HOST: "bench", BEAD_ACTOR: "bench <bench@localhost>", ...(schedule === "first-come" ? { BEAD_SCHEDULE: "first-come" } : { BEAD_SCHEDULE: "" }) };
  const started = performance.now();
  try {
    const result = await supervise({ paths: boardPaths(dir), env, once: true, log: () => undefined });
    const wallMs = performance.now() - started;
    const done = Object.values(result.outcomes).reduce((sum, o) => sum + (o.done ?? 0), 0);
    const stats = double.loadStats();
    return { schedule, beads: BEADS, done, loads: stats.loads.length, evictions: stats.evictions, peakModelsInFlight: stats.peakModelsInFlight, wallS: Math.round(wallMs / 100) / 10 };
  } finally {
    await double.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs = [];
for (const schedule of ["first-come", "model-aware"]) {
  log(`${schedule}: ${BEADS} beads, 3 agents, 3 models, server fits 2, load ${LOAD_MS} ms`);
  const run = await runOnce(schedule);
  log(JSON.stringify(run));
  runs.push(run);
}
const [fifo, aware] = runs;
const result = {
  machine: machineInfo(ROOT),
  loadMs: LOAD_MS,
  runs,
  loadRatio: Math.round((fifo.loads / Math.max(1, aware.loads)) * 10) / 10,
  timeRatio: Math.round((fifo.wallS / aware.wallS) * 100) / 100,
};
result.pass = result.loadRatio >= 3 && result.timeRatio >= 1.5 && runs.every((r) => r.done === BEADS);
mkdirSync(join(ROOT, "bench", "out"), { recursive: true });
writeFileSync(join(ROOT, "bench", "out", "models.json"), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  [
    "| schedule | beads done | model loads | evictions | total time |",
    "|---|---|---|---|---|",
    ...runs.map((r) => `| ${r.schedule} | ${r.done}/${r.beads} | ${r.loads} | ${r.evictions} | ${r.wallS} s |`),
    "",
    `loads: ${result.loadRatio}× fewer (goal ≥ 3×); time: ${result.timeRatio}× less (goal ≥ 1.5×): ${result.pass ? "PASS" : "FAIL"}`,
    "",
  ].join("\n"),
);
