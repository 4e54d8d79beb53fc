/**
 * `.git/beadboard/models.jsonl`: one line per agent per `bead models check`, appended, so that
 * `bead doctor` and `bead stats` can show the last check without running one.
 */
import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readSync, constants } from "node:fs";
import { join } from "node:path";
import type { ProbeResult } from "./readiness.js";

export interface CheckRecord {
  at: string;
  agent: string;
  provider: string;
  host?: string;
  model: string;
  num_ctx: number;
  num_ctx_from: "agent" | "board";
  probes: ProbeResult[];
  ready: boolean;
  reasons: string[];
  /** The check could not run (server unreachable, model missing): why. */
  error?: string;
}

const FILE = "models.jsonl";
/** The last checks are at the end; reading more than this tail is never needed. */
const TAIL_BYTES = 512 * 1024;

export function appendChecks(stateDir: string, records: readonly CheckRecord[]): void {
  if (records.length === 0) return;
  mkdirSync(stateDir, { recursive: true });
  // O_NOFOLLOW: a symlink planted at models.jsonl makes the append fail instead of writing elsewhere.
  const fd = openSync(join(stateDir, FILE), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  try {
    appendFileSync(fd, records.map((record) => `${JSON.stringify(record)}\n`).join(""));
  } finally {
    closeSync(fd);
  }
}

/** The newest check of each agent (torn or foreign lines skipped); empty when none was run. */
export function lastChecks(stateDir: string): Map<string, CheckRecord> {
  const found = new Map<string, CheckRecord>();
  for (const line of readTail(join(stateDir, FILE)).split("\n")) {
    const record = parseRecord(line);
    if (record) found.set(record.agent, record);
  }
  return found;
}

function parseRecord(line: string): CheckRecord | undefined {
  if (line.trim() === "") return undefined;
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== "object" || value === null) return undefined;
    const record = value as Partial<CheckRecord>;
    if (typeof record.agent !== "string" || typeof record.at !== "string" || typeof record.ready !== "boolean" || !Array.isArray(record.probes)) return undefined;
    return record as CheckRecord;
  } catch {
    return undefined;
  }
}

/** The file's last TAIL_BYTES, never following a symlink; "" when there is no such file. */
function readTail(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return "";
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return "";
    const length = Math.min(stat.size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, stat.size - length);
    const text = buffer.toString("utf8");
    // A cut first line is not a record.
    return stat.size > TAIL_BYTES ? text.slice(text.indexOf("\n") + 1) : text;
  } finally {
    closeSync(fd);
  }
}

/** One line for doctor and stats: "ready (40 tokens/s, checked 2026-…)" or the first reason. */
export function summarizeCheck(record: CheckRecord): string {
  const rates = record.probes.map((p) => (p.evalTokensPerSecond === undefined ? "?" : `${Math.round(p.evalTokensPerSecond * 10) / 10}`)).join("/");
  const when = `checked ${record.at}`;
  if (record.error !== undefined) return `check failed: ${record.error} (${when})`;
  const head = `${record.model}: ${rates} tokens/s (short/long)`;
  return record.ready ? `${head}, ready (${when})` : `${head}, not ready: ${record.reasons[0] ?? "?"} (${when})`;
}
