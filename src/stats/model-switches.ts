/**
 * `bead stats`: what model-aware scheduling did, from the metrics log. Pure, no I/O.
 * A `model_switch` is a bead whose model was not loaded when the server gate let it in; a
 * `guardrail` with `reason: model_wait` is a bead let in because it had waited past `max_wait`.
 */
import type { MetricLine } from "./read.js";

export interface ModelSwitches {
  /** Loads the gates started, per server. */
  byServer: Array<{ server: string; loads: number; models: string[] }>;
  /** Beads let in by the age bound, and the longest wait among them. */
  overdue: { count: number; longestMs: number };
}

export function modelSwitches(lines: readonly MetricLine[]): ModelSwitches | undefined {
  const servers = new Map<string, { loads: number; models: Set<string> }>();
  const overdue = { count: 0, longestMs: 0 };
  for (const line of lines) {
    if (line.event === "model_switch" && typeof line.server === "string") {
      const entry = servers.get(line.server) ?? { loads: 0, models: new Set<string>() };
      entry.loads += 1;
      if (typeof line.model === "string") entry.models.add(line.model);
      servers.set(line.server, entry);
    } else if (line.event === "guardrail" && line.reason === "model_wait") {
      overdue.count += 1;
      if (typeof line.waited_ms === "number" && Number.isFinite(line.waited_ms)) overdue.longestMs = Math.max(overdue.longestMs, line.waited_ms);
    }
  }
  if (servers.size === 0 && overdue.count === 0) return undefined;
  return { byServer: [...servers.entries()].map(([server, e]) => ({ server, loads: e.loads, models: [...e.models].sort() })), overdue };
}

export function renderModelSwitches(switches: ModelSwitches): string {
  const lines = switches.byServer.map((s) => `  ${s.server}: ${s.loads} model load(s) (${s.models.join(", ")})`);
  lines.push(`  beads let in past max_wait: ${switches.overdue.count}${switches.overdue.count > 0 ? ` (longest wait ${Math.round(switches.overdue.longestMs / 1000)} s)` : ""}`);
  return `\nmodel scheduling:\n${lines.join("\n")}\n`;
}
