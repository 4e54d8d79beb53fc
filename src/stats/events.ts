/**
 * The events of .git/beadboard/metrics.jsonl: one schema per event, one discriminated union.
 * Writers (src/agent/metrics.ts: MetricsLog.record) take `MetricInput`, so a field a writer
 * renames or adds is a compile error until it is named here; the reader (src/stats/read.ts)
 * parses every line with `metricLineSchema`, so `bead stats` sees exactly these fields with
 * these types. A field that is not always written is optional; unknown fields of a known event
 * are dropped on reading (a newer writer's extras), and a line of an unknown event is skipped
 * and counted.
 */
import * as z from "../schema/zod.js";

const locality = z.enum(["local", "remote"]);
const count = z.number();

/** What every event carries. `agent` names the agent, or the part of `bead up` that wrote it (sweep, background, supervisor, rules). */
const base = { agent: z.string(), bead: z.optional(z.string()) };

const event = <E extends string, S extends z.core.$ZodLooseShape>(name: E, shape: S) => z.object({ event: z.literal(name), ...base, ...shape });

/** A bead's last word: its status change, with the model that did it (`builtin:run`, `planner:…` for the model-free ones). */
const outcome = {
  model: z.optional(z.string()),
  duration_ms: z.optional(count),
  reason: z.optional(z.string()),
  /** Tries made, on a final failure. */
  attempts: z.optional(count),
};

const EVENT_SCHEMAS = [
  event("claim", {}),
  event("start", {}),
  event("late", {}),
  event("done", outcome),
  event("failed", outcome),
  event("blocked", outcome),
  event("model_call", {
    model: z.string(),
    tokens_in: count,
    tokens_out: count,
    latency_ms: count,
    attempt: z.optional(count),
    locality: z.optional(locality),
    price_per_1k: z.optional(z.number()),
    /** work (unset), route, plan, shadow. */
    purpose: z.optional(z.string()),
    /** The embedded engine's model load, and its decode speed. */
    load_ms: z.optional(count),
    tokens_per_s: z.optional(z.number()),
  }),
  event("gate", {
    decision: z.enum(["allow", "block"]),
    reason: z.optional(z.string()),
    provider: z.optional(z.string()),
    locality: z.optional(locality),
    sensitivity: z.optional(z.string()),
    bytes: z.optional(count),
    purpose: z.optional(z.string()),
    shadow_of: z.optional(z.string()),
    /** A result gate inside the tool loop: at which step, on which tool. */
    step: z.optional(count),
    tool: z.optional(z.string()),
    /** The `bead eval` task the loop ran, when it was one. */
    eval: z.optional(z.string()),
  }),
  event("guardrail", {
    reason: z.optional(z.string()),
    /** The tool loop's bound that stopped it (steps, repeats, time …). */
    category: z.optional(z.string()),
    detail: z.optional(z.string()),
    step: z.optional(count),
    tool: z.optional(z.string()),
    tokens: z.optional(count),
    num_ctx: z.optional(count),
    refused: z.optional(count),
    rounds: z.optional(count),
    /** The `bead eval` task the loop ran, when it was one. */
    eval: z.optional(z.string()),
    /** `model_wait`: the model server a bead waited for past its age bound, and how long. */
    server: z.optional(z.string()),
    waited_ms: z.optional(count),
    /** `once_raced_passes`: passes in a row whose claims all went to other clones. */
    passes: z.optional(count),
  }),
  /** The server gate let a bead in whose model is not loaded: a model load on that server. */
  event("model_switch", { server: z.string(), model: z.string(), from: z.optional(z.nullable(z.string())) }),
  /** An outside harness's run (provider: exec): how it ended. */
  event("exec", {
    ended: z.string(),
    exit_code: z.optional(z.nullable(count)),
    duration_ms: z.optional(count),
    truncated: z.optional(z.boolean()),
    reason: z.optional(z.string()),
  }),
  event("retry", { reason: z.string(), attempt: count }),
  event("release", { reason: z.string(), attempt_counted: z.boolean() }),
  event("result_kept", { file: z.string(), reason: z.string() }),
  /** A follow-up bead an agent made; `tool: new_bead` when made mid-loop rather than at finish. */
  event("followup", { created: z.string(), tool: z.optional(z.string()) }),
  /** A kept result written back once the bead file read again (agent/kept-result.ts). */
  event("result_restored", { kind: z.string(), kept: z.optional(z.string()) }),
  event("memory", { added: count }),
  event("expire", { previous: z.optional(z.string()), attempts: z.optional(count), status: z.optional(z.string()) }),
  event("heartbeat", { queued: count, working: z.array(z.string()) }),
  event("tick_skipped", { timer: z.string(), running_ms: count }),
  /** `by`: git's repack, or the isomorphic-git fallback when git is missing. */
  event("pack", { loose_before: count, loose_after: count, by: z.optional(z.string()) }),
  event("route", { assigned: z.string(), rule: z.string(), tier: z.optional(z.string()) }),
  event("escalation", { state: z.enum(["requested", "handed-over"]), reason: z.optional(z.string()) }),
  event("plan", { children: z.array(z.string()) }),
  event("shadow", {
    shadow: z.string(),
    decision: z.enum(["allow", "block", "skip"]),
    reason: z.optional(z.string()),
    error: z.optional(z.string()),
    similarity: z.optional(z.number()),
    agreement: z.optional(z.boolean()),
    same_outcome: z.optional(z.boolean()),
    primary_outcome: z.optional(z.string()),
    shadow_outcome: z.optional(z.string()),
    primary_latency_ms: z.optional(count),
    shadow_latency_ms: z.optional(count),
    primary_tokens: z.optional(count),
    shadow_tokens: z.optional(count),
    primary_length: z.optional(count),
    shadow_length: z.optional(count),
  }),
] as const;

/** Every event a writer may record (without `ts`: MetricsLog stamps it). */
export const metricSchema = z.discriminatedUnion("event", [...EVENT_SCHEMAS]);

/** One line of metrics.jsonl as the reader gets it. */
export const metricLineSchema = z.intersection(z.object({ ts: z.optional(z.string()) }), metricSchema);

export type MetricInput = z.input<typeof metricSchema>;
export type MetricLine = z.output<typeof metricLineSchema>;
export type MetricEvent = MetricInput["event"];

/** The event names this version knows; a line with another name is skipped and counted as unknown. */
export const METRIC_EVENTS: ReadonlySet<string> = new Set(EVENT_SCHEMAS.flatMap((schema) => [...schema.shape.event.def.values]));
