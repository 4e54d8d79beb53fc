/**
 * Who holds a lock: pid, the process's start time and its command, so that a holder killed with
 * SIGKILL is recognised at once (its pid is gone, or now names a process started later) instead
 * of after a staleness timeout. Start times come from /proc/<pid>/stat on Linux; elsewhere the
 * pid alone decides.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface ProcessIdentity {
  pid: number;
  host: string;
  /** Clock ticks since boot (field 22 of /proc/<pid>/stat); absent where /proc is not. */
  startTicks?: string;
  /** When it started, as this process saw it (for people). */
  startedAt?: string;
  command?: string;
}

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses, so count from the last ')'. */
export function startTicksOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

export function thisProcess(): ProcessIdentity {
  const startTicks = startTicksOf(process.pid);
  return {
    pid: process.pid,
    host: hostname(),
    ...(startTicks ? { startTicks } : {}),
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    command: process.argv.slice(1).join(" ").slice(0, 200),
  };
}

/** "alive", "dead", or "unknown" (another machine: a lock on shared storage cannot be checked from here). */
export function holderState(holder: ProcessIdentity): "alive" | "dead" | "unknown" {
  if (holder.host !== hostname()) return "unknown";
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return "dead";
    // EPERM: it exists, as another user.
  }
  if (holder.startTicks !== undefined) {
    const now = startTicksOf(holder.pid);
    // The pid was reused by a process started later: the holder is gone.
    if (now !== undefined && now !== holder.startTicks) return "dead";
  }
  return "alive";
}

export function describeHolder(holder: ProcessIdentity): string {
  return `pid ${holder.pid} on ${holder.host}${holder.startedAt ? `, started ${holder.startedAt}` : ""}${holder.command ? `: ${holder.command}` : ""}`;
}

/** Parse a holder file; undefined for anything that is not one (torn write, hand edit). */
export function parseHolder(text: string): (ProcessIdentity & { lockIno?: number }) | undefined {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (typeof value.pid !== "number" || !Number.isInteger(value.pid) || value.pid <= 0 || typeof value.host !== "string") return undefined;
    return {
      pid: value.pid,
      host: value.host,
      ...(typeof value.startTicks === "string" ? { startTicks: value.startTicks } : {}),
      ...(typeof value.startedAt === "string" ? { startedAt: value.startedAt } : {}),
      ...(typeof value.command === "string" ? { command: value.command } : {}),
      ...(typeof value.lockIno === "number" ? { lockIno: value.lockIno } : {}),
    };
  } catch {
    return undefined;
  }
}
