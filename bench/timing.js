// Timing whole processes: hyperfine when installed (read-only commands), else, and for
// commands that must hit a different bead each time, our own loop of spawnSync + performance.now().
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** p50/p95/p99/min/max/mean of a list of milliseconds. */
export function summarize(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean,
  };
}

export function hyperfineVersion() {
  if (process.env.BENCH_NO_HYPERFINE === "1") return null;
  const r = spawnSync("hyperfine", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Shell-quote one word for hyperfine's command line (it splits with shell-words rules under -N). */
function quote(word) {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** Run argv once, checking it succeeds; returns stdout. Used to validate a command before timing it. */
export function runChecked(argv, cwd, env = process.env) {
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${argv.join(" ")} (in ${cwd}) exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const CLK_TCK = (() => {
  const r = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout.trim()) || 100 : 100;
})();

/**
 * CPU time (user + system, ms) of our reaped children so far, from /proc/self/stat (cutime,
 * cstime; 10 ms ticks), or NaN off Linux. Less disturbed by a busy machine than wall time.
 */
export function childCpuMs() {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

/** CPU time of the last process timed by timeOnce. */
export let lastCpuMs = Number.NaN;

/** Wall time of one process, stdout/stderr to /dev/null (as hyperfine does). */
export function timeOnce(argv, cwd, env = process.env) {
  const cpuBefore = childCpuMs();
  const start = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = performance.now() - start;
  lastCpuMs = childCpuMs() - cpuBefore;
  if (r.status !== 0) throw new Error(`${argv.join(" ")} (in ${cwd}) exited ${r.status}: ${r.stderr}`);
  return ms;
}

/**
 * Time the same read-only command `runs` times after `warmup` runs. With hyperfine: `-N` (no
 * intermediate shell), its own statistics discarded in favour of ours over its raw times.
 */
export function timeRepeated(argv, cwd, { runs, warmup, env = process.env, useHyperfine }) {
  runChecked(argv, cwd, env);
  if (useHyperfine) {
    const dir = mkdtempSync(join(tmpdir(), "bench-hf-"));
    const out = join(dir, "hf.json");
    const r = spawnSync(
      "hyperfine",
      ["-N", "--style", "none", "--warmup", String(warmup), "--runs", String(runs), "--export-json", out, argv.map(quote).join(" ")],
      { cwd, env, encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error(`hyperfine failed for ${argv.join(" ")}: ${r.stderr}`);
    const result = JSON.parse(readFileSync(out, "utf8")).results[0];
    rmSync(dir, { recursive: true, force: true });
    return {
      tool: "hyperfine",
      times: result.times.map((s) => s * 1000),
      userMs: result.user * 1000,
      systemMs: result.system * 1000,
    };
  }
  for (let i = 0; i < warmup; i++) timeOnce(argv, cwd, env);
  const times = [];
  for (let i = 0; i < runs; i++) times.push(timeOnce(argv, cwd, env));
  return { tool: "spawnSync loop", times };
}
