import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as z from "../schema/zod.js";
import { METRIC_EVENTS, metricLineSchema, type MetricLine } from "./events.js";

export type { MetricLine };

export interface ParsedMetrics {
  lines: MetricLine[];
  /** Lines not used: torn or garbled, of an event this version does not know, or with a field of the wrong type. */
  skipped: number;
  /** Of those, the lines of an event name not in src/stats/events.ts (a newer writer's, say). */
  unknown: number;
}

/** Parse metrics.jsonl text, each line against its event's schema; the rest are counted and skipped. Pure. */
export function parseMetrics(text: string): ParsedMetrics {
  const lines: MetricLine[] = [];
  let skipped = 0;
  let unknown = 0;
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      skipped++;
      continue;
    }
    const parsed = z.safeParse(metricLineSchema, value);
    if (parsed.success) {
      lines.push(parsed.data);
      continue;
    }
    skipped++;
    const event = typeof value === "object" && value !== null ? (value as { event?: unknown }).event : undefined;
    if (typeof event === "string" && !METRIC_EVENTS.has(event)) unknown++;
  }
  return { lines, skipped, unknown };
}

/** The board's metrics log; empty when no agent has run yet. */
export function readMetricsFile(stateDir: string): ParsedMetrics {
  let text: string;
  try {
    text = readFileSync(join(stateDir, "metrics.jsonl"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { lines: [], skipped: 0, unknown: 0 };
    throw error;
  }
  return parseMetrics(text);
}
