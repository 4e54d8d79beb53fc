/**
 * What a worker gets from its runtime (the board, the agent, its provider, the claimer, logs)
 * what working one bead can come to, and what the acting path (act.ts, act-exec.ts) takes and
 * gives back. Types only, in a file of their own so that the parts
 * of the worker (act, act-exec, the planner...) can name them without importing the worker.
 */
import type { BeadWithBody, Sensitivity } from "../bead/fields.js";
import type { BoardConfig } from "../board/config.js";
import type { WorkResult } from "../claim/write-back.js";
import type { Reply } from "../harness/reply.js";
import type { HarnessTool } from "../harness/tool.js";
import type { WriteContext } from "../board/write.js";
import type { ChatMessage, Provider } from "../model/provider.js";
import type { GatePolicy } from "../policy/gate.js";
import type { Claimer } from "./claimer.js";
import type { MetricsLog } from "./metrics.js";
import type { AgentRegistry } from "./registry.js";
import type { AgentDefinition } from "./schema.js";

export interface WorkerEnv {
  ctx: WriteContext;
  config: BoardConfig;
  agent: AgentDefinition;
  provider: Provider | undefined;
  locality: "local" | "remote";
  gatePolicy: GatePolicy;
  claimer: Claimer;
  metrics: MetricsLog;
  log: (line: string) => void;
  /** Called with the bead id while we hold it, so the runtime can renew the lease; returns the unregister function. */
  holding: (id: string, abort: AbortController) => () => void;
  /** Called before the bead is written back or released: its lease needs no more renewing. */
  settling?: (id: string) => void;
  /** Told why the model could not be used (outcome "unreachable"), for the runtime's one back-off log line. */
  unreachable?: (why: { what: string; hint: string }) => void;
  /** Every agent of the board, resolved: for shadow mode, the planner and escalation. */
  registry?: AgentRegistry;
  /** The environment an exec agent's harness inherits (less the board's secrets); default process.env. */
  processEnv?: NodeJS.ProcessEnv;
}

export type WorkOutcome = "done" | "failed" | "blocked" | "released" | "skipped" | "late" | "unreachable" | "planned";

export interface ActInput {
  env: WorkerEnv;
  bead: BeadWithBody;
  /** The gated context (system prompt, bead, deps, memory), as a text-only agent would get it. */
  messages: ChatMessage[];
  /** The context's level: tool results are at least this sensitive. */
  sensitivity: Sensitivity;
  signal: AbortSignal;
  /** The tools by name; default the harness's (a test may pass its own). */
  tools?: Record<string, HarnessTool>;
}

export type ActOutcome = { kind: "finish"; work: WorkResult; reply: Reply | undefined } | { kind: "failed"; reason: string };
