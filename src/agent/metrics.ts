import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { MetricEvent, MetricInput } from "../stats/events.js";

/** A metric as a writer records it: one of the events declared, with their fields, in src/stats/events.ts. */
export type Metric = MetricInput;
export type { MetricEvent };

/**
 * Append-only event log in .git/beadboard/metrics.jsonl (local state: never committed or
 * pushed). One short line per write with O_APPEND, so concurrent processes do not interleave.
 */
export class MetricsLog {
  private readonly file: string;
  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true });
    this.file = join(stateDir, "metrics.jsonl");
  }

  record(metric: Metric): void {
    try {
      appendFileSync(this.file, `${JSON.stringify({ ts: new Date().toISOString(), ...metric })}\n`);
    } catch {
      // Metrics must never break the work they describe.
    }
  }
}
