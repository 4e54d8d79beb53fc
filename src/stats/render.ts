import type { Percentiles, Stats } from "./aggregate.js";
import { renderEngineStats } from "./engine.js";

const pct = (share: number | null): string => (share === null ? "n/a" : `${Math.round(share * 100)}%`);
const ms = (value: number | null): string => (value === null ? "n/a" : value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);
const spread = (p: Percentiles): string => (p.count === 0 ? "none recorded" : `p50 ${ms(p.p50)}, p95 ${ms(p.p95)} (${p.count})`);
const int = (n: number): string => n.toLocaleString("en-US");

/** `bead stats` as text for a terminal. Pure. */
export function renderStats(stats: Stats): string {
  const out: string[] = [];
  const when = stats.from ? `${stats.from.slice(0, 16).replace("T", " ")} to ${(stats.to ?? "").slice(0, 16).replace("T", " ")} UTC` : "no metrics recorded yet";
  out.push(`Metrics: ${int(stats.events)} events, ${when}`, "");
  const b = stats.beads;
  out.push(`Beads done: ${b.done} (local ${b.doneLocal}, remote ${b.doneRemote}; ${pct(b.localShare)} local); failed ${b.failed}; blocked ${b.blocked}`);
  if (stats.doneBy.length > 0) {
    const width = Math.max(5, ...stats.doneBy.map((row) => row.agent.length));
    const modelWidth = Math.max(5, ...stats.doneBy.map((row) => row.model.length));
    out.push(`  ${"agent".padEnd(width)}  ${"model".padEnd(modelWidth)}  where   done`);
    for (const row of stats.doneBy) out.push(`  ${row.agent.padEnd(width)}  ${(row.model || "-").padEnd(modelWidth)}  ${row.locality.padEnd(6)}  ${String(row.done).padStart(4)}`);
  }
  out.push("");
  const c = stats.modelCalls;
  const purposes = Object.entries(c.byPurpose).map(([purpose, n]) => `${purpose} ${n}`).join(", ");
  out.push(`Model calls: ${c.total} (local ${c.local}, remote ${c.remote})${purposes ? `; ${purposes}` : ""}`);
  out.push(`Tokens: ${int(stats.tokens.in)} in, ${int(stats.tokens.out)} out; ${pct(stats.tokens.localShare)} of tokens on local models`);
  out.push(`Latency per model call: ${spread(stats.latency.modelCallMs)}`);
  out.push(`Time per bead: ${spread(stats.latency.beadMs)}`);
  out.push(...renderEngineStats(stats.engines));
  const costs = stats.cost.byAgent.map((entry) => `${entry.agent} ${entry.cost.toFixed(4)}`).join(", ");
  out.push(`Estimated cloud cost: ${stats.cost.total.toFixed(4)}${costs ? ` (${costs})` : ""} (price_per_1k in agent files)`);
  out.push("");
  out.push(`Escalations: ${stats.escalations.requested} requested, ${stats.escalations.handedOver} handed to a remote agent`);
  const g = stats.gate;
  const blockers = g.blockedBy.map((entry) => `${entry.agent} ${entry.count}`).join(", ");
  out.push(`Sensitivity gate: ${g.decisions} decisions, ${g.blocked} blocked${blockers ? ` (${blockers})` : ""}; ${int(g.bytesSentRemote)} bytes sent to remote models`);
  out.push(`Routing: ${stats.routes.total} assignments (${stats.routes.byRules} by rules, ${stats.routes.byRouter} by the router model); planner: ${stats.plans.epics} epics into ${stats.plans.children} children`);
  const s = stats.shadow;
  out.push(`Shadow: ${s.comparisons} comparisons, ${s.agreements} agree (${pct(s.agreementRate)}), mean similarity ${s.meanSimilarity ?? "n/a"}; ${s.blocked} not sent (gate), ${s.failed} failed`);
  for (const pair of s.pairs) {
    out.push(`  ${pair.primary} vs ${pair.shadow}: ${pair.agreements}/${pair.comparisons} agree, similarity ${pair.meanSimilarity ?? "n/a"}, latency ${ms(pair.primaryLatencyMs.p50)} vs ${ms(pair.shadowLatencyMs.p50)} (p50), tokens ${int(pair.primaryTokens)} vs ${int(pair.shadowTokens)}`);
  }
  return `${out.join("\n")}\n`;
}
