/**
 * Shadow mode (issue 6): an agent with `shadow: <other-agent>` also sends each bead's context
 * to the other agent's model, to compare models on real work. The shadow call goes through
 * the sensitivity gate for the shadow agent's own locality, so a bead that may not leave the
 * machine is never shadowed on a remote model, and a remote shadow needs the same approval
 * as a remote run (`escalation: approved`, or the board's policy.approve). Only the primary's result is written to the
 * bead; the shadow's reply is measured (latency, tokens, length, agreement) and dropped: its
 * text is never written anywhere, metrics included.
 */
import type { ChatReply } from "../model/provider.js";
import { decide, type GatePolicy } from "../policy/gate.js";
import { escalationApproved } from "../policy/escalation.js";
import type { BeadFields } from "../bead/fields.js";
import { askModel } from "./ask-model.js";
import type { ContextPart } from "./context.js";
import type { MetricsLog } from "./metrics.js";
import type { AgentRegistry } from "./registry.js";
import type { Reply } from "../harness/reply.js";
import type { AgentDefinition } from "./schema.js";
import type { ChatMessage } from "../model/provider.js";

export interface ShadowEnv {
  agent: AgentDefinition;
  registry?: AgentRegistry | undefined;
  gatePolicy: GatePolicy;
  metrics: MetricsLog;
  log: (line: string) => void;
}

export interface PrimaryAnswer {
  reply: Reply;
  calls: readonly ChatReply[];
}

export interface ShadowComparison {
  shadow: string;
  sameOutcome: boolean;
  similarity: number;
  agreement: boolean;
}

const words = (text: string): string[] =>
  text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]+/gu, " ")
    .split(/\s+/)
    .filter(Boolean);

/** Dice coefficient over word multisets after normalising case, punctuation and spacing: 1 same words, 0 none shared. Pure. */
export function textSimilarity(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  if (wa.length === 0 && wb.length === 0) return 1;
  if (wa.length === 0 || wb.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const w of wa) counts.set(w, (counts.get(w) ?? 0) + 1);
  let shared = 0;
  for (const w of wb) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      shared++;
      counts.set(w, n - 1);
    }
  }
  return Math.round(((2 * shared) / (wa.length + wb.length)) * 1000) / 1000;
}

/** Outcomes agree and the texts say much the same. */
export const AGREEMENT_THRESHOLD = 0.5;

const sum = (calls: readonly ChatReply[], key: "tokensIn" | "tokensOut" | "durationMs"): number => calls.reduce((n, call) => n + call[key], 0);

/**
 * Run the shadow for one bead, after the primary answered. Never throws: a shadow problem is a
 * metric and a log line, never a failure of the bead.
 */
export async function runShadow(
  env: ShadowEnv,
  beadId: string,
  context: { messages: ChatMessage[]; parts: ContextPart[] },
  primary: PrimaryAnswer,
  signal: AbortSignal,
  approval: { fields: Pick<BeadFields, "labels" | "type" | "escalation">; approve: readonly string[] } = { fields: { labels: [], type: "task" }, approve: [] },
): Promise<ShadowComparison | undefined> {
  const name = env.agent.fields.shadow;
  if (name === undefined || name === env.agent.name) return undefined;
  const base = { event: "shadow" as const, agent: env.agent.name, bead: beadId, shadow: name };
  const target = env.registry?.get(name);
  if (!target?.provider) {
    env.metrics.record({ ...base, decision: "skip", reason: `no model agent ${name} on this board` });
    return undefined;
  }
  const approved = target.locality === "local" || escalationApproved(approval.fields, approval.approve);
  const judged = decide({ beadId, inputs: context.parts, provider: { name, locality: target.locality } }, env.gatePolicy);
  const gate = approved
    ? judged
    : { ...judged, allowed: false, reason: `Refused for ${beadId}: a remote shadow needs the same approval as a remote run (escalation: approved, \`bead approve ${beadId}\`, or policy.approve)` };
  const decision = gate.allowed ? "allow" : "block";
  env.metrics.record({ event: "gate", agent: name, bead: beadId, purpose: "shadow", shadow_of: env.agent.name, provider: target.provider.host, locality: target.locality, sensitivity: gate.sensitivity, decision, reason: gate.reason, bytes: gate.allowed ? gate.bytes : 0 });
  if (!gate.allowed) {
    env.metrics.record({ ...base, decision, reason: gate.reason });
    return undefined;
  }
  const fields = target.agent.fields;
  try {
    const answer = await askModel({
      provider: target.provider,
      model: fields.model ?? "",
      messages: context.messages,
      options: fields.options,
      timeoutMs: fields.timeout,
      signal,
      retries: 1,
      onCall: (reply, attempt) =>
        env.metrics.record({ event: "model_call", agent: name, bead: beadId, purpose: "shadow", model: reply.model, tokens_in: reply.tokensIn, tokens_out: reply.tokensOut, latency_ms: Math.round(reply.durationMs), attempt, locality: target.locality, price_per_1k: fields.price_per_1k }),
      onInvalid: () => undefined,
    });
    const stats = {
      primary_latency_ms: Math.round(sum(primary.calls, "durationMs")),
      shadow_latency_ms: Math.round(sum(answer.calls, "durationMs")),
      primary_tokens: sum(primary.calls, "tokensIn") + sum(primary.calls, "tokensOut"),
      shadow_tokens: sum(answer.calls, "tokensIn") + sum(answer.calls, "tokensOut"),
      primary_length: primary.reply.result.length,
    };
    if (!answer.ok) {
      env.metrics.record({ ...base, decision, ...stats, shadow_outcome: "invalid", same_outcome: false, similarity: 0, agreement: false, reason: answer.error });
      return { shadow: name, sameOutcome: false, similarity: 0, agreement: false };
    }
    const sameOutcome = answer.reply.outcome === primary.reply.outcome;
    const similarity = textSimilarity(primary.reply.result, answer.reply.result);
    const agreement = sameOutcome && similarity >= AGREEMENT_THRESHOLD;
    env.metrics.record({ ...base, decision, ...stats, shadow_length: answer.reply.result.length, primary_outcome: primary.reply.outcome, shadow_outcome: answer.reply.outcome, same_outcome: sameOutcome, similarity, agreement });
    return { shadow: name, sameOutcome, similarity, agreement };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    env.log(`${beadId}: shadow ${name} failed: ${reason}`);
    env.metrics.record({ ...base, decision, error: reason });
    return undefined;
  }
}
