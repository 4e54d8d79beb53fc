/**
 * .git/beadboard/evals.jsonl: one line per agent evaluated (local state, never committed), so
 * `bead stats` can show each agent's last verdict. Appended with O_APPEND in one write, like
 * metrics.jsonl; a torn or foreign line is skipped when read.
 */
import { appendFileSync, closeSync, constants, fstatSync, mkdirSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import type { AgentEval } from "./summary.js";

/** The file is read whole by `bead stats`: only this much of its end is read. */
const MAX_READ_BYTES = 4 * 1024 * 1024;
const MAX_FAILURE_CHARS = 300;

export function evalsFile(stateDir: string): string {
  return join(stateDir, "evals.jsonl");
}

export function appendEvalResult(stateDir: string, result: AgentEval): void {
  mkdirSync(stateDir, { recursive: true });
  const tasks = result.tasks.map((task) => ({ ...task, failures: task.failures.map((f) => (f.length > MAX_FAILURE_CHARS ? `${f.slice(0, MAX_FAILURE_CHARS)}…` : f)) }));
  appendFileSync(evalsFile(stateDir), `${JSON.stringify({ event: "eval", ...result, tasks })}\n`);
}

export interface EvalLine {
  agent: string;
  model: string;
  at: string;
  passed: number;
  total: number;
  ready: boolean;
  failedCategories: string[];
  interrupted?: boolean;
}

/** Pure: the readable lines of evals.jsonl text, oldest first. */
export function parseEvalLines(text: string): { lines: EvalLine[]; skipped: number } {
  const lines: EvalLine[] = [];
  let skipped = 0;
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    try {
      const value = JSON.parse(raw) as Partial<EvalLine> & { event?: unknown };
      if (value.event === "eval" && typeof value.agent === "string" && typeof value.passed === "number" && typeof value.total === "number" && typeof value.ready === "boolean") {
        lines.push({
          agent: value.agent,
          model: String(value.model ?? ""),
          at: String(value.at ?? ""),
          passed: value.passed,
          total: value.total,
          ready: value.ready,
          failedCategories: Array.isArray(value.failedCategories) ? value.failedCategories.map(String) : [],
          ...(value.interrupted === true ? { interrupted: true } : {}),
        });
        continue;
      }
    } catch {
      // counted below
    }
    skipped += 1;
  }
  return { lines, skipped };
}

/** Pure: the last evaluation of each agent (and model), newest last. */
export function lastEvalPerAgent(lines: readonly EvalLine[]): EvalLine[] {
  const last = new Map<string, EvalLine>();
  for (const line of lines) last.set(`${line.agent}\0${line.model}`, line);
  return [...last.values()];
}

export function readEvalLines(stateDir: string): { lines: EvalLine[]; skipped: number } {
  let fd: number;
  try {
    fd = openSync(evalsFile(stateDir), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ELOOP") return { lines: [], skipped: 0 };
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { lines: [], skipped: 0 };
    const length = Math.min(stat.size, MAX_READ_BYTES);
    const buffer = Buffer.alloc(length);
    const got = readSync(fd, buffer, 0, length, stat.size - length);
    // A read that starts mid-file starts mid-line: that first piece is skipped as unreadable.
    return parseEvalLines(buffer.subarray(0, got).toString("utf8"));
  } finally {
    closeSync(fd);
  }
}

/** Pure: the lines `bead stats` prints. */
export function renderEvalStats(lines: readonly EvalLine[]): string {
  if (lines.length === 0) return "";
  const rows = lastEvalPerAgent(lines).map((line) => {
    const verdict = line.interrupted ? "interrupted" : line.ready ? "ready" : "NOT READY";
    const failed = line.failedCategories.length > 0 ? `, failed: ${line.failedCategories.join(", ")}` : "";
    return `  ${line.agent} (${line.model}): ${line.passed}/${line.total} ${verdict} (${line.at.slice(0, 16).replace("T", " ")})${failed}`;
  });
  return `last tool-use evaluation (bead eval):\n${rows.join("\n")}\n`;
}
