import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export type MetricEvent =
  | "claim"
  | "result_kept"
  | "start"
  | "model_call"
  | "done"
  | "failed"
  | "blocked"
  | "retry"
  | "release"
  | "late"
  | "guardrail"
  | "gate"
  | "memory"
  | "followup"
  | "expire"
  | "heartbeat"
  | "shadow"
  | "route"
  | "escalation"
  | "plan"
  | "tick_skipped"
  | "pack"
  | "model_switch";

export interface Metric {
  event: MetricEvent;
  agent: string;
  bead?: string;
  [key: string]: unknown;
}

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
