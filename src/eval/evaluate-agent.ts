/**
 * The I/O around runEval for one agent of a board: its provider and locality as the worker
 * resolves them, the board's sensitivity gate on every tool result, guardrail events into
 * metrics.jsonl (marked `eval`, never a bead), transcripts under
 * .git/beadboard/eval-transcripts/<agent>/<task>.jsonl (the last run's), and the result appended
 * to evals.jsonl.
 */
import { appendFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { AgentDefinition } from "../agent/schema.js";
import { MetricsLog } from "../agent/metrics.js";
import { agentLocality } from "../agent/select.js";
import type { BoardConfig } from "../board/config.js";
import { defaultProfile } from "../board/servers-config.js";
import { profileFor } from "../agent/server-gate.js";
import type { BoardPaths } from "../board/paths.js";
import { InvalidArgumentError } from "../errors.js";
import { sensitivityResultGate } from "../harness/result-gate.js";
import { providerFor } from "../agent/provider-for.js";
import type { Provider } from "../model/provider.js";
import { appendEvalResult } from "./results-file.js";
import { runEval } from "./run-eval.js";
import type { AgentEval, TaskResult } from "./summary.js";
import type { EvalTask } from "./task.js";

export interface EvaluateAgentOptions {
  paths: BoardPaths;
  config: BoardConfig;
  agent: AgentDefinition;
  env: NodeJS.ProcessEnv;
  tasks: EvalTask[];
  /** --parallel; default the agent's concurrency within its server's limit. */
  parallel?: number;
  minPass: number;
  signal: AbortSignal;
  onTask?: (result: TaskResult) => void;
}

/**
 * Tasks at once without --parallel: the agent's concurrency, but no more than its server takes at
 * once — the same per-server limit `bead up` applies: the server's `servers:` profile in
 * .beadboard.yml, else BEAD_SERVER_CONCURRENCY (default 1). An embedded model has no server to share.
 */
export function defaultParallel(agent: AgentDefinition, provider: Provider, env: NodeJS.ProcessEnv, servers?: BoardConfig["servers"]): number {
  if (provider.host === undefined || agent.fields.provider === "embedded") return agent.fields.concurrency;
  return Math.min(agent.fields.concurrency, profileFor(provider.host, servers, defaultProfile(env)).parallel);
}

/** An agent whose model can be evaluated: one with a model provider, not a router. */
export function evaluable(agent: AgentDefinition): boolean {
  return agent.fields.provider !== "builtin" && agent.fields.role !== "router";
}

export async function evaluateAgent(options: EvaluateAgentOptions): Promise<AgentEval> {
  const { agent, paths, config } = options;
  if (agent.fields.provider === "builtin") throw new InvalidArgumentError(`agent ${agent.name} is builtin: it has no model to evaluate`, { agent: agent.name });
  const provider = providerFor(agent, options.env);
  if (!provider) throw new InvalidArgumentError(`agent ${agent.name} has no model provider`, { agent: agent.name });
  const locality = agentLocality(agent, provider.host, config.localityPins);
  if (locality === "remote" && config.policy.localOnly) {
    throw new InvalidArgumentError(`agent ${agent.name}'s model is remote and .beadboard.yml says local_only: nothing is sent to it`, { agent: agent.name });
  }
  const metrics = new MetricsLog(paths.stateDir);
  const transcripts = join(paths.stateDir, "eval-transcripts", agent.name);
  rmSync(transcripts, { recursive: true, force: true });
  mkdirSync(transcripts, { recursive: true });
  const result = await runEval({
    agent: agent.name,
    model: agent.fields.model ?? "",
    provider,
    systemPrompt: agent.prompt,
    modelOptions: agent.fields.options,
    tasks: options.tasks,
    parallel: options.parallel ?? defaultParallel(agent, provider, options.env, config.servers),
    minPass: options.minPass,
    // Task repositories are made up, so declared public; the secret detectors still read every result.
    gate: sensitivityResultGate({ beadId: "eval", agent: agent.name, locality, policy: { remoteMax: config.policy.remoteMax, localOnly: config.policy.localOnly }, declared: "public" }),
    signal: options.signal,
    onGuardrail: (task, event) =>
      metrics.record(
        event.event === "gate"
          ? { event: "gate", agent: agent.name, eval: task.id, tool: event.tool, step: event.step, reason: event.reason, decision: "block", locality }
          : { event: "guardrail", agent: agent.name, eval: task.id, category: event.category, tool: event.tool, step: event.step, reason: event.reason },
      ),
    onTranscriptLine: (task, line) => {
      try {
        appendFileSync(join(transcripts, `${task.id}.jsonl`), line);
      } catch {
        // A transcript is for reading afterwards; a full disk must not fail the evaluation.
      }
    },
    ...(options.onTask ? { onTask: options.onTask } : {}),
  });
  appendEvalResult(paths.stateDir, result);
  return result;
}
