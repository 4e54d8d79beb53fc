/**
 * In-process engines in `bead stats`: generation speed and model load time per agent and model,
 * from the `tokens_per_s` and `load_ms` that embedded model calls record. Pure, no I/O.
 *
 * Every call of a process carries the load time of the model in that process, so a load is
 * counted once per run of equal values (the same process answering again), not once per call.
 * The overall rate is the token-weighted one, total tokens out over total generation time, so
 * a few long replies are not drowned by many short ones.
 */
import type { MetricLine } from "./read.js";

export interface EngineRow {
  agent: string;
  model: string;
  calls: number;
  tokensOut: number;
  /** Tokens out per second of generation over all calls; null when no call generated. */
  tokensPerSecond: number | null;
  /** Distinct loads seen (a run of calls reporting the same load time is one load). */
  loads: number;
  loadMsP50: number | null;
  loadMsMax: number | null;
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

export function engineStats(lines: readonly MetricLine[]): EngineRow[] {
  const rows = new Map<string, { row: EngineRow; ratedTokens: number; seconds: number; loadTimes: number[]; lastLoad: number | undefined }>();
  for (const line of lines) {
    if (line.event !== "model_call" || typeof line.load_ms !== "number" || !Number.isFinite(line.load_ms)) continue;
    const model = typeof line.model === "string" ? line.model : "";
    const key = `${line.agent}\u0000${model}`;
    let entry = rows.get(key);
    if (!entry) {
      entry = { row: { agent: line.agent, model, calls: 0, tokensOut: 0, tokensPerSecond: null, loads: 0, loadMsP50: null, loadMsMax: null }, ratedTokens: 0, seconds: 0, loadTimes: [], lastLoad: undefined };
      rows.set(key, entry);
    }
    entry.row.calls++;
    const tokensOut = typeof line.tokens_out === "number" && Number.isFinite(line.tokens_out) ? line.tokens_out : 0;
    const rate = line.tokens_per_s;
    entry.row.tokensOut += tokensOut;
    if (tokensOut > 0 && typeof rate === "number" && Number.isFinite(rate) && rate > 0) {
      entry.ratedTokens += tokensOut;
      entry.seconds += tokensOut / rate;
    }
    if (line.load_ms !== entry.lastLoad) entry.loadTimes.push(line.load_ms);
    entry.lastLoad = line.load_ms;
  }
  return [...rows.values()]
    .map(({ row, ratedTokens, seconds, loadTimes }) => {
      const sorted = [...loadTimes].sort((a, b) => a - b);
      return {
        ...row,
        tokensPerSecond: seconds > 0 ? round1(ratedTokens / seconds) : null,
        loads: sorted.length,
        loadMsP50: sorted.length === 0 ? null : (sorted[Math.ceil(sorted.length / 2) - 1] ?? null),
        loadMsMax: sorted.at(-1) ?? null,
      };
    })
    .sort((a, b) => b.calls - a.calls || (a.agent < b.agent ? -1 : 1));
}

const ms = (value: number | null): string => (value === null ? "n/a" : value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);

/** The section of `bead stats` text; empty when no embedded call was recorded. */
export function renderEngineStats(rows: readonly EngineRow[]): string[] {
  if (rows.length === 0) return [];
  const width = Math.max(5, ...rows.map((row) => row.agent.length));
  const modelWidth = Math.max(5, ...rows.map((row) => row.model.length));
  const out = ["In-process models (embedded):", `  ${"agent".padEnd(width)}  ${"model".padEnd(modelWidth)}  calls  tokens/s  loads  load p50  load max`];
  for (const row of rows) {
    const rate = row.tokensPerSecond === null ? "n/a" : String(row.tokensPerSecond);
    out.push(`  ${row.agent.padEnd(width)}  ${row.model.padEnd(modelWidth)}  ${String(row.calls).padStart(5)}  ${rate.padStart(8)}  ${String(row.loads).padStart(5)}  ${ms(row.loadMsP50).padStart(8)}  ${ms(row.loadMsMax).padStart(8)}`);
  }
  return out;
}
