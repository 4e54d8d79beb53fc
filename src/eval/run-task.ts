/**
 * One task through the real harness: a throwaway repository, the agent's model in runToolLoop with
 * the harness tools (src/harness/tools/), bounded by the task's max_steps and timeout and the
 * caller's signal; then the repository and the transcript are judged (checks.ts).
 */
import { runToolLoop, type LoopEvent, type ResultGate } from "../harness/loop.js";
import type { HarnessTool } from "../harness/tool.js";
import { HARNESS_TOOLS } from "../harness/tools/index.js";
import { makeRunTool } from "../harness/tools/run.js";
import { transcriptLine, type TranscriptEntry } from "../harness/transcript.js";
import type { ChatMessage, Provider } from "../model/provider.js";
import { runAllowed } from "../policy/run.js";
import { isBeadboardError } from "../errors.js";
import * as z from "../schema/zod.js";
import { TOOL_NOTE } from "../agent/act.js";
import { buildContext } from "../agent/context.js";
import type { BeadWithBody } from "../bead/fields.js";
import { beadFieldsSchema } from "../bead/schema.js";
import { judge } from "./checks.js";
import { makeSandbox, snapshot } from "./sandbox.js";
import type { TaskResult } from "./summary.js";
import type { EvalTask } from "./task.js";
import { traceOf } from "./trace.js";

/** `run` inside a task: shorter than an agent's default, since tasks are small. */
const TASK_RUN_TIMEOUT_MS = 60_000;
const PASSES_TIMEOUT_MS = 60_000;
/** No memory goes in, so the budget only has to hold the prompt. */
const CONTEXT_BUDGET_TOKENS = 8192;

/** The note act.ts adds for an acting agent: the model is measured on what the worker sends it. */
export const EVAL_TOOL_NOTE = TOOL_NOTE;

export interface TaskRunOptions {
  provider: Provider;
  model: string;
  agentName: string;
  /** The agent's system prompt (its persona), as the worker would send it. */
  systemPrompt: string;
  /** The agent's model options (num_ctx, temperature …). */
  modelOptions?: Record<string, unknown>;
  gate: ResultGate;
  signal: AbortSignal;
  /** A guardrail or gate event of the loop (for metrics.jsonl). */
  onEvent?: (event: LoopEvent) => void;
  /** Told of every transcript line, e.g. to keep it in a file. */
  onTranscriptLine?: (line: string) => void;
}

/**
 * What the worker would send for a bead with the task's title and prompt (agent/context.ts: the
 * agent's system prompt with the reply instructions, then `# Bead <id>: <title>` and the body),
 * without memory or deps, plus the acting note.
 */
export function taskMessages(task: EvalTask, agentName: string, systemPrompt: string): ChatMessage[] {
  const bead: BeadWithBody = { id: task.id, path: task.source, fields: z.parse(beadFieldsSchema, { title: task.title, sensitivity: "public" }), createdMs: 0, body: task.prompt };
  const context = buildContext({ agentName, systemPrompt, bead, deps: [], sharedMemory: "", agentMemory: "", budgetTokens: CONTEXT_BUDGET_TOKENS });
  return [...context.messages, { role: "system", content: EVAL_TOOL_NOTE }];
}

export async function runTask(task: EvalTask, options: TaskRunOptions): Promise<TaskResult> {
  const started = performance.now();
  const base = { id: task.id, category: task.category, source: task.source };
  const entries: TranscriptEntry[] = [];
  const tokens = { tokensIn: 0, tokensOut: 0 };
  const failed = (error: string): TaskResult => ({ ...base, passed: false, failures: [], stop: "error", steps: 0, toolCalls: 0, ...tokens, durationMs: performance.now() - started, error });
  // The prompt goes to the model before any tool runs: it passes the same gate as every result (a person's task may quote a secret).
  const messages = taskMessages(task, options.agentName, options.systemPrompt);
  const prompt = options.gate({ tool: "task prompt", input: { path: task.source }, text: messages.map((m) => m.content).join("\n\n") });
  if (!prompt.allowed) return failed(`the gate withheld the task from this model: ${prompt.reason}`);
  let sandbox;
  try {
    sandbox = await makeSandbox(task.files, options.signal);
  } catch (error) {
    return failed(`could not set up the repository: ${(error as Error).message}`);
  }
  try {
    const tools: Record<string, HarnessTool> = { ...HARNESS_TOOLS, run: makeRunTool({ timeoutMs: TASK_RUN_TIMEOUT_MS }) };
    const outcome = await runToolLoop({
      provider: options.provider,
      model: options.model,
      messages,
      tools,
      toolNames: task.tools,
      ctx: { root: sandbox.root, allow: task.allow },
      maxSteps: task.maxSteps,
      timeoutMs: task.timeoutMs,
      signal: options.signal,
      gate: options.gate,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      onReply: (reply) => {
        tokens.tokensIn += reply.tokensIn;
        tokens.tokensOut += reply.tokensOut;
      },
      ...(options.modelOptions ? { options: options.modelOptions } : {}),
      transcript: (entry) => {
        entries.push(entry);
        options.onTranscriptLine?.(transcriptLine(entry, new Date()));
      },
    });
    const trace = traceOf(entries);
    const reply = outcome.stop === "finish" ? outcome.reply : undefined;
    let passesExit: number | null | undefined;
    let passesOutput: string | undefined;
    if (task.expect.passes && !options.signal.aborted) {
      const ran = await runAllowed({ command: task.expect.passes }, { allow: task.allow, cwd: sandbox.root, timeoutMs: PASSES_TIMEOUT_MS, env: {} }, options.signal);
      passesExit = ran.timedOut ? null : ran.exitCode;
      passesOutput = `${ran.stdout}\n${ran.stderr}`;
    }
    const after = snapshot(sandbox.root);
    const verdict = judge(task, { trace, reply, after: after.files, ...(passesExit !== undefined ? { passesExit } : {}), ...(passesOutput !== undefined ? { passesOutput } : {}) });
    // A model that floods the repository with files cannot be judged on what was read back: it fails.
    if (after.truncated) verdict.failures.push("the repository has too many files afterwards to check them all");
    return {
      ...base,
      passed: verdict.failures.length === 0,
      failures: verdict.failures,
      stop: outcome.stop,
      ...(reply ? { outcome: reply.outcome } : {}),
      steps: outcome.steps,
      toolCalls: trace.calls.filter((call) => call.tool !== "finish").length,
      ...tokens,
      durationMs: performance.now() - started,
    };
  } catch (error) {
    // No server at all says nothing about the model: the whole evaluation stops (run-eval.ts).
    if (isBeadboardError(error) && error.code === "E_MODEL_UNREACHABLE") throw error;
    // The model server failed on this task (an HTTP error, a reply too large): it could not be judged, so it fails.
    return { ...base, passed: false, failures: [], stop: "error", steps: 0, toolCalls: traceOf(entries).calls.length, ...tokens, durationMs: performance.now() - started, error: (error as Error).message };
  } finally {
    sandbox.remove();
  }
}
