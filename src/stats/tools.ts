/**
 * `bead stats`, the acting agents' part: tool calls, refusals and steps per bead, summed from the
 * transcripts' attempt summaries (src/harness/transcript-summary.ts). Pure, no I/O.
 */
import type { AttemptSummary } from "./transcript-summary.js";
import { percentiles, type Percentiles } from "./aggregate.js";

export interface BeadToolUse {
  bead: string;
  attempts: number;
  steps: number;
  toolCalls: number;
  refusals: number;
  errors: number;
  gateBlocks: number;
  /** How the last attempt ended. */
  lastStop: string | null;
}

export interface ToolUse {
  beads: BeadToolUse[];
  attempts: number;
  execRuns: number;
  steps: number;
  toolCalls: number;
  byTool: Record<string, number>;
  refusals: number;
  errors: number;
  gateBlocks: number;
  stepsPerAttempt: Percentiles;
  stops: Record<string, number>;
}

export function toolUse(perBead: ReadonlyArray<{ bead: string; attempts: readonly AttemptSummary[] }>): ToolUse {
  const total: ToolUse = { beads: [], attempts: 0, execRuns: 0, steps: 0, toolCalls: 0, byTool: {}, refusals: 0, errors: 0, gateBlocks: 0, stepsPerAttempt: percentiles([]), stops: {} };
  const loopSteps: number[] = [];
  for (const { bead, attempts } of perBead) {
    if (attempts.length === 0) continue;
    const row: BeadToolUse = { bead, attempts: attempts.length, steps: 0, toolCalls: 0, refusals: 0, errors: 0, gateBlocks: 0, lastStop: attempts.at(-1)?.stop ?? null };
    for (const attempt of attempts) {
      row.steps += attempt.steps;
      row.toolCalls += attempt.toolCalls;
      row.refusals += attempt.refusals;
      row.errors += attempt.errors;
      row.gateBlocks += attempt.gateBlocks;
      for (const [name, n] of Object.entries(attempt.byTool)) total.byTool[name] = (total.byTool[name] ?? 0) + n;
      const stop = attempt.stop ?? "unfinished";
      total.stops[stop] = (total.stops[stop] ?? 0) + 1;
      if (attempt.kind === "exec") total.execRuns += 1;
      else loopSteps.push(attempt.steps);
    }
    total.beads.push(row);
    total.attempts += row.attempts;
    total.steps += row.steps;
    total.toolCalls += row.toolCalls;
    total.refusals += row.refusals;
    total.errors += row.errors;
    total.gateBlocks += row.gateBlocks;
  }
  total.beads.sort((a, b) => b.toolCalls - a.toolCalls || b.steps - a.steps || (a.bead < b.bead ? -1 : 1));
  total.stepsPerAttempt = percentiles(loopSteps);
  return total;
}

const listed = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([name, n]) => `${name} ${n}`)
    .join(", ");

/** The text block; at most `maxRows` beads (most tool calls first), --json has them all. */
export function renderToolUse(use: ToolUse, maxRows = 20): string {
  if (use.attempts === 0) return "Acting agents: no transcripts on this machine\n";
  const out = [
    `Acting agents: ${use.attempts} attempt(s) on ${use.beads.length} bead(s)${use.execRuns ? ` (${use.execRuns} exec run(s))` : ""}; steps per tool-loop attempt ${use.stepsPerAttempt.count === 0 ? "n/a" : `p50 ${use.stepsPerAttempt.p50}, p95 ${use.stepsPerAttempt.p95}`}`,
    `  ${use.toolCalls} tool call(s)${use.toolCalls ? ` (${listed(use.byTool)})` : ""}; ${use.refusals} refused, ${use.errors} failed, ${use.gateBlocks} withheld by the gate`,
    `  ended: ${listed(use.stops)}`,
  ];
  const rows = use.beads.slice(0, maxRows);
  const width = Math.max(4, ...rows.map((row) => row.bead.length));
  out.push(`  ${"bead".padEnd(width)}  tries  steps  calls  refused  failed  withheld  last end`);
  for (const row of rows) {
    out.push(`  ${row.bead.padEnd(width)}  ${String(row.attempts).padStart(5)}  ${String(row.steps).padStart(5)}  ${String(row.toolCalls).padStart(5)}  ${String(row.refusals).padStart(7)}  ${String(row.errors).padStart(6)}  ${String(row.gateBlocks).padStart(8)}  ${row.lastStop ?? "-"}`);
  }
  if (use.beads.length > rows.length) out.push(`  … ${use.beads.length - rows.length} more bead(s) (bead stats --json lists all)`);
  return `${out.join("\n")}\n`;
}
