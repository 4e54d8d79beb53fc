import { readFileSync } from "node:fs";
import { join } from "node:path";

/** One line of .git/beadboard/metrics.jsonl, as written by src/agent/metrics.ts. */
export interface MetricLine {
  ts?: string;
  event: string;
  agent: string;
  bead?: string;
  [key: string]: unknown;
}

/** Parse metrics.jsonl text; lines that are not metric objects (a torn last line, garbage) are counted and skipped. Pure. */
export function parseMetrics(text: string): { lines: MetricLine[]; skipped: number } {
  const lines: MetricLine[] = [];
  let skipped = 0;
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    try {
      const value: unknown = JSON.parse(raw);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        const record = value as Record<string, unknown>;
        if (typeof record.event === "string" && typeof record.agent === "string") {
          lines.push(record as MetricLine);
          continue;
        }
      }
    } catch {
      // counted below
    }
    skipped++;
  }
  return { lines, skipped };
}

/** The board's metrics log; empty when no agent has run yet. */
export function readMetricsFile(stateDir: string): { lines: MetricLine[]; skipped: number } {
  let text: string;
  try {
    text = readFileSync(join(stateDir, "metrics.jsonl"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { lines: [], skipped: 0 };
    throw error;
  }
  return parseMetrics(text);
}
