// What the numbers were measured on.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

function tryRun(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(root) {
  let cpuModel = os.cpus()[0]?.model ?? "unknown";
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (match) cpuModel = match[1].trim();
  } catch {
    // not Linux
  }
  let isoGit = "unknown";
  try {
    isoGit = JSON.parse(readFileSync(`${root}/node_modules/isomorphic-git/package.json`, "utf8")).version;
  } catch {
    // not installed
  }
  return {
    date: new Date().toISOString(),
    nproc: tryRun("nproc", []) ?? String(os.availableParallelism?.() ?? os.cpus().length),
    cpuModel,
    ramGiB: +(os.totalmem() / 1024 ** 3).toFixed(1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    git: tryRun("git", ["--version"])?.replace(/^git version /, "") ?? "not installed",
    isomorphicGit: isoGit,
    hyperfine: tryRun("hyperfine", ["--version"]),
    loadavgAtStart: os.loadavg().map((v) => +v.toFixed(2)),
  };
}

/** Other processes on the machine that were using CPU when we looked (shared machines make noisy numbers). */
export function busyProcesses() {
  const out = tryRun("ps", ["-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers"]);
  if (!out) return [];
  return out
    .split("\n")
    .map((line) => line.trim().split(/\s+/, 2))
    .filter(([cpu, comm]) => Number(cpu) >= 5 && comm !== "ps")
    .slice(0, 5)
    .map(([cpu, comm]) => `${comm} ${cpu}%`);
}

function cpuTimes() {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = line[3] + (line[4] ?? 0);
  return { idle, total: line.reduce((a, b) => a + b, 0) };
}

/** Share of all cores busy (0..1) over `ms`, from /proc/stat; NaN off Linux. */
export async function busyFraction(ms = 2000) {
  try {
    const a = cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const b = cpuTimes();
    return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
  } catch {
    return Number.NaN;
  }
}

/**
 * Wait (up to maxSeconds) until the machine is mostly idle, so that other work does not end up
 * in our timings. Returns how busy it was when we went ahead.
 */
export async function waitForQuiet(maxSeconds, threshold = 0.25) {
  const started = Date.now();
  let busy = await busyFraction();
  while (!(busy < threshold) && Date.now() - started < maxSeconds * 1000) busy = await busyFraction();
  return { busy: +busy.toFixed(2), waitedSeconds: Math.round((Date.now() - started) / 1000) };
}

/**
 * Start watching how much CPU *other* processes use: all cores' busy time from /proc/stat minus
 * what this process and its reaped children used. stop() returns that share (0..1) of all cores
 * over the interval, or NaN off Linux. Call stop() after every child of the group has exited.
 */
export function watchOtherWork(childCpuMs) {
  let before;
  try {
    before = { ...cpuTimes(), children: childCpuMs(), self: process.cpuUsage() };
  } catch {
    return () => Number.NaN;
  }
  return () => {
    const after = cpuTimes();
    const total = after.total - before.total;
    const busy = total - (after.idle - before.idle);
    const self = process.cpuUsage(before.self);
    const oursMs = childCpuMs() - before.children + (self.user + self.system) / 1000;
    const oursTicks = (oursMs * CLK_TCK_STAT) / 1000;
    return Math.max(0, Math.min(1, (busy - oursTicks) / Math.max(1, total)));
  };
}

const CLK_TCK_STAT = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();
