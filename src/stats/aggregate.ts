/**
 * `bead stats`: numbers over the metrics log. Pure, no I/O.
 *
 * Conventions: a bead counts as done once per `done` event; its locality is its agent's (from
 * the `locality` the agent's model calls and gate decisions record; builtin and planner
 * summaries are local). Percentiles are nearest-rank. Estimated cost is, per model call,
 * (tokens in + tokens out) / 1000 × the agent's `price_per_1k` when it has one (in whatever
 * currency the agent files use). Router, planner and shadow calls cost like any other.
 * The lines come typed (src/stats/events.ts, checked as they are read): a field a writer
 * renames is a compile error here, not a statistic that silently reads zero.
 */
import type { MetricLine } from "./events.js";
import { engineStats, type EngineRow } from "./engine.js";

export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
}

export interface Stats {
  from: string | null;
  to: string | null;
  events: number;
  beads: { done: number; failed: number; blocked: number; doneLocal: number; doneRemote: number; localShare: number | null };
  doneBy: Array<{ agent: string; model: string; locality: "local" | "remote"; done: number }>;
  modelCalls: { total: number; local: number; remote: number; byPurpose: Record<string, number> };
  tokens: { in: number; out: number; local: number; remote: number; localShare: number | null; byAgent: Array<{ agent: string; in: number; out: number }> };
  latency: { modelCallMs: Percentiles; beadMs: Percentiles };
  cost: { total: number; byAgent: Array<{ agent: string; cost: number }> };
  escalations: { requested: number; handedOver: number };
  gate: { decisions: number; allowed: number; blocked: number; bytesSent: number; bytesSentRemote: number; blockedBy: Array<{ agent: string; count: number }> };
  shadow: {
    comparisons: number;
    blocked: number;
    failed: number;
    agreements: number;
    agreementRate: number | null;
    meanSimilarity: number | null;
    pairs: Array<{ primary: string; shadow: string; comparisons: number; agreements: number; meanSimilarity: number | null; primaryLatencyMs: Percentiles; shadowLatencyMs: Percentiles; primaryTokens: number; shadowTokens: number }>;
  };
  routes: { total: number; byRules: number; byRouter: number };
  plans: { epics: number; children: number };
  /** Embedded (in-process) models: tokens/s and load time per agent and model. */
  engines: EngineRow[];
}

/** A count that may be absent; JSON has no NaN or Infinity, but a hand-edited line may say 1e999. */
const finite = (value: number | undefined): number => (value !== undefined && Number.isFinite(value) ? value : 0);
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : round(part / whole, 4));
const round = (value: number, places: number): number => Math.round(value * 10 ** places) / 10 ** places;

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const at = (p: number): number | null => (sorted.length === 0 ? null : (sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null));
  return { count: sorted.length, p50: at(50), p95: at(95) };
}

function counter(): { add(key: string, n?: number): void; entries(): Array<[string, number]> } {
  const map = new Map<string, number>();
  return {
    add: (key, n = 1) => map.set(key, (map.get(key) ?? 0) + n),
    entries: () => [...map.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
  };
}

export function aggregate(lines: readonly MetricLine[]): Stats {
  const localityOf = new Map<string, "local" | "remote">();
  for (const line of lines) {
    if ((line.event === "model_call" || line.event === "gate") && line.locality !== undefined) localityOf.set(line.agent, line.locality);
  }
  const times = lines.map((line) => line.ts).filter((ts): ts is string => typeof ts === "string").sort();
  const stats: Stats = {
    from: times[0] ?? null,
    to: times.at(-1) ?? null,
    events: lines.length,
    beads: { done: 0, failed: 0, blocked: 0, doneLocal: 0, doneRemote: 0, localShare: null },
    doneBy: [],
    modelCalls: { total: 0, local: 0, remote: 0, byPurpose: {} },
    tokens: { in: 0, out: 0, local: 0, remote: 0, localShare: null, byAgent: [] },
    latency: { modelCallMs: percentiles([]), beadMs: percentiles([]) },
    cost: { total: 0, byAgent: [] },
    escalations: { requested: 0, handedOver: 0 },
    gate: { decisions: 0, allowed: 0, blocked: 0, bytesSent: 0, bytesSentRemote: 0, blockedBy: [] },
    shadow: { comparisons: 0, blocked: 0, failed: 0, agreements: 0, agreementRate: null, meanSimilarity: null, pairs: [] },
    routes: { total: 0, byRules: 0, byRouter: 0 },
    plans: { epics: 0, children: 0 },
    engines: engineStats(lines),
  };
  const doneBy = new Map<string, { agent: string; model: string; locality: "local" | "remote"; done: number }>();
  const tokensBy = new Map<string, { agent: string; in: number; out: number }>();
  const costBy = counter();
  const blockedBy = counter();
  const callLatency: number[] = [];
  const beadLatency: number[] = [];
  const similarities: number[] = [];
  const pairs = new Map<string, { primary: string; shadow: string; comparisons: number; agreements: number; similarity: number[]; primaryLatency: number[]; shadowLatency: number[]; primaryTokens: number; shadowTokens: number }>();

  for (const line of lines) {
    switch (line.event) {
      case "done": {
        const model = line.model ?? "";
        const builtin = /^(?:builtin|planner):/.test(model);
        const locality = builtin ? "local" : (localityOf.get(line.agent) ?? "local");
        stats.beads.done++;
        if (locality === "local") stats.beads.doneLocal++;
        else stats.beads.doneRemote++;
        const key = `${line.agent}\u0000${model}`;
        const entry = doneBy.get(key) ?? { agent: line.agent, model, locality, done: 0 };
        entry.done++;
        doneBy.set(key, entry);
        if (line.duration_ms !== undefined) beadLatency.push(line.duration_ms);
        break;
      }
      case "failed":
        // Only final failures carry a status change; released tries are `release` events.
        stats.beads.failed++;
        break;
      case "blocked":
        stats.beads.blocked++;
        break;
      case "model_call": {
        const tokensIn = finite(line.tokens_in);
        const tokensOut = finite(line.tokens_out);
        const remote = line.locality === "remote";
        stats.modelCalls.total++;
        if (remote) stats.modelCalls.remote++;
        else stats.modelCalls.local++;
        const purpose = line.purpose || "work";
        stats.modelCalls.byPurpose[purpose] = (stats.modelCalls.byPurpose[purpose] ?? 0) + 1;
        stats.tokens.in += tokensIn;
        stats.tokens.out += tokensOut;
        if (remote) stats.tokens.remote += tokensIn + tokensOut;
        else stats.tokens.local += tokensIn + tokensOut;
        const agentTokens = tokensBy.get(line.agent) ?? { agent: line.agent, in: 0, out: 0 };
        agentTokens.in += tokensIn;
        agentTokens.out += tokensOut;
        tokensBy.set(line.agent, agentTokens);
        callLatency.push(line.latency_ms);
        if (line.price_per_1k !== undefined && line.price_per_1k > 0) costBy.add(line.agent, ((tokensIn + tokensOut) / 1000) * line.price_per_1k);
        break;
      }
      case "gate": {
        stats.gate.decisions++;
        if (line.decision === "block") {
          stats.gate.blocked++;
          blockedBy.add(line.agent);
        } else {
          stats.gate.allowed++;
          stats.gate.bytesSent += finite(line.bytes);
          if (line.locality === "remote" || localityOf.get(line.agent) === "remote") stats.gate.bytesSentRemote += finite(line.bytes);
        }
        break;
      }
      case "escalation":
        if (line.state === "requested") stats.escalations.requested++;
        else if (line.state === "handed-over") stats.escalations.handedOver++;
        break;
      case "shadow": {
        if (line.decision === "block") {
          stats.shadow.blocked++;
          break;
        }
        if (line.similarity === undefined || line.error !== undefined) {
          stats.shadow.failed++;
          if (line.similarity === undefined) break;
        }
        const shadow = line.shadow || "?";
        const key = `${line.agent}\u0000${shadow}`;
        const pair = pairs.get(key) ?? { primary: line.agent, shadow, comparisons: 0, agreements: 0, similarity: [], primaryLatency: [], shadowLatency: [], primaryTokens: 0, shadowTokens: 0 };
        pair.comparisons++;
        stats.shadow.comparisons++;
        if (line.agreement === true) {
          pair.agreements++;
          stats.shadow.agreements++;
        }
        pair.similarity.push(line.similarity);
        similarities.push(line.similarity);
        if (line.primary_latency_ms !== undefined) pair.primaryLatency.push(line.primary_latency_ms);
        if (line.shadow_latency_ms !== undefined) pair.shadowLatency.push(line.shadow_latency_ms);
        pair.primaryTokens += finite(line.primary_tokens);
        pair.shadowTokens += finite(line.shadow_tokens);
        pairs.set(key, pair);
        break;
      }
      case "route":
        stats.routes.total++;
        if (line.agent === "rules") stats.routes.byRules++;
        else stats.routes.byRouter++;
        break;
      case "plan":
        stats.plans.epics++;
        stats.plans.children += line.children.length;
        break;
      default:
        break;
    }
  }
  const mean = (values: readonly number[]): number | null => (values.length === 0 ? null : round(values.reduce((a, b) => a + b, 0) / values.length, 3));
  stats.beads.localShare = ratio(stats.beads.doneLocal, stats.beads.done);
  stats.doneBy = [...doneBy.values()].sort((a, b) => b.done - a.done || (a.agent < b.agent ? -1 : 1));
  stats.tokens.localShare = ratio(stats.tokens.local, stats.tokens.local + stats.tokens.remote);
  stats.tokens.byAgent = [...tokensBy.values()].sort((a, b) => b.in + b.out - (a.in + a.out));
  stats.latency = { modelCallMs: percentiles(callLatency), beadMs: percentiles(beadLatency) };
  stats.cost.byAgent = costBy.entries().map(([agent, cost]) => ({ agent, cost: round(cost, 6) }));
  stats.cost.total = round(stats.cost.byAgent.reduce((sum, entry) => sum + entry.cost, 0), 6);
  stats.gate.blockedBy = blockedBy.entries().map(([agent, count]) => ({ agent, count }));
  stats.shadow.agreementRate = ratio(stats.shadow.agreements, stats.shadow.comparisons);
  stats.shadow.meanSimilarity = mean(similarities);
  stats.shadow.pairs = [...pairs.values()].map((pair) => ({
    primary: pair.primary,
    shadow: pair.shadow,
    comparisons: pair.comparisons,
    agreements: pair.agreements,
    meanSimilarity: mean(pair.similarity),
    primaryLatencyMs: percentiles(pair.primaryLatency),
    shadowLatencyMs: percentiles(pair.shadowLatency),
    primaryTokens: pair.primaryTokens,
    shadowTokens: pair.shadowTokens,
  }));
  return stats;
}
