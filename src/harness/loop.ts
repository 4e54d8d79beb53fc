/**
 * The tool loop of an acting agent (DESIGN §12): the model calls tools, sees their results, and
 * ends with `finish`. A small model is assumed to do the worst it can, so every way out is bounded
 * and every bound hit is an event: steps (step_limit), repeats (loop), a deadline (timeout), the
 * caller's signal (aborted). Every result passes the caller's gate before the model sees it.
 */
import type { Sensitivity } from "../bead/fields.js";
import type { ChatMessage, ChatReply, Provider, ToolCall } from "../model/provider.js";
import { callKey, definitionsOf, runCall } from "./calls.js";
import type { GuardrailCategory, HarnessTool, ToolContext, ToolResult } from "./tool.js";
import type { TranscriptSink } from "./transcript.js";
import { actionFormat, actionPrompt, actionResult, lacksNativeTools, parseAction, type ActionMode } from "./json-actions.js";

export const DEFAULT_MAX_STEPS = 30;
/** The same call with the same arguments this many times ends the loop. */
export const REPEAT_LIMIT = 3;
/** Tools that change the workspace: after one runs, repeating an earlier read or test is progress, not a loop. */
const CHANGING_TOOLS = new Set(["edit_file", "write_file"]);

export type FinishReply = NonNullable<ToolResult["finish"]>;
export type LoopStop = "finish" | "text" | GuardrailCategory | "aborted";

export interface LoopEvent {
  event: "guardrail" | "gate";
  category?: GuardrailCategory;
  step: number;
  tool?: string;
  reason: string;
}

/** `text`, when given, replaces the result (e.g. with board-private lines dropped); `sensitivity` is the level the gate judged it at. */
export type GateVerdict = { allowed: true; text?: string; sensitivity?: Sensitivity } | { allowed: false; reason: string };
/** Decides whether one tool result may reach the model (the worker supplies the sensitivity gate). */
export type ResultGate = (result: { tool: string; input: unknown; text: string }) => GateVerdict;

export interface ToolLoopOptions {
  provider: Provider;
  model: string;
  messages: ChatMessage[];
  tools: Record<string, HarnessTool>;
  /** The tools offered to the model; default every tool in `tools`. */
  toolNames?: string[];
  ctx: Omit<ToolContext, "signal">;
  maxSteps?: number;
  signal?: AbortSignal;
  /** Whole-loop deadline in milliseconds. */
  timeoutMs?: number;
  gate: ResultGate;
  onEvent?: (event: LoopEvent) => void;
  transcript?: TranscriptSink;
  /** Told of every model reply (for model_call metrics). */
  onReply?: (reply: ChatReply, step: number) => void;
  options?: Record<string, unknown>;
  /** Injected for tests: milliseconds now. */
  clock?: () => number;
  /**
   * How the model acts: native tool calls (default), or one schema-constrained JSON action per
   * turn. A native loop whose server says the model does not support tools switches to json.
   */
  actionMode?: ActionMode;
  /** Told of a change of action mode, for the agent's log. */
  onNote?: (line: string) => void;
}

export interface LoopOutcome {
  stop: LoopStop;
  /** The reply when the loop ended by `finish` or by a text answer; undefined otherwise. */
  reply?: FinishReply;
  steps: number;
  messages: ChatMessage[];
  reason: string;
}

const FINISH_NUDGE = "You answered in text without calling a tool. Call the finish tool now with your result and outcome.";

export async function runToolLoop(options: ToolLoopOptions): Promise<LoopOutcome> {
  const clock = options.clock ?? (() => performance.now());
  const deadline = options.timeoutMs === undefined ? Infinity : clock() + options.timeoutMs;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const names = options.toolNames ?? Object.keys(options.tools);
  const offered = new Map(names.flatMap((name) => (options.tools[name] ? [[name, options.tools[name]] as const] : [])));
  const definitions = definitionsOf([...offered.values()]);
  const controller = new AbortController();
  const stopOnParent = (): void => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  options.signal?.addEventListener("abort", stopOnParent, { once: true });
  // The deadline also ends a model call or tool that is running when it passes, not just the next step.
  let timedOut = false;
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), controller.abort(new Error("timeout"))), options.timeoutMs);
  timer?.unref();
  const ctx: ToolContext = { ...options.ctx, signal: controller.signal };
  const messages = [...options.messages];
  const seen = new Map<string, number>();
  const record = options.transcript ?? (() => undefined);
  let nudged = false;
  let step = 0;
  let mode: ActionMode = options.actionMode ?? "native";
  if (mode === "json") messages.push(actionPrompt(definitions));

  const end = (stop: LoopStop, reason: string, reply?: FinishReply, tool?: string): LoopOutcome => {
    if (stop === "aborted" && timedOut) stop = "timeout";
    clearTimeout(timer);
    if (stop !== "finish" && stop !== "text" && stop !== "aborted") options.onEvent?.({ event: "guardrail", category: stop, step, reason, ...(tool === undefined ? {} : { tool }) });
    record({ step, kind: "end", stop, reason });
    options.signal?.removeEventListener("abort", stopOnParent);
    return { stop, reply, steps: step, messages, reason };
  };
  const refuse = (category: GuardrailCategory, tool: string, reason: string): void => {
    options.onEvent?.({ event: "guardrail", category, step, tool, reason });
    record({ step, kind: "event", category, tool, reason });
  };

  try {
    for (;;) {
      if (controller.signal.aborted) return end("aborted", timedOut ? `no finish within ${options.timeoutMs} ms` : "the work was stopped");
      const left = deadline - clock();
      if (left <= 0) return end("timeout", `no finish within ${options.timeoutMs} ms`);
      if (step >= maxSteps) return end("step_limit", `no finish within ${maxSteps} steps`);
      step += 1;
      record({ step, kind: "request", messages: messages.length });
      let reply: ChatReply;
      try {
        reply = await options.provider.chat({
          model: options.model,
          messages,
          ...(mode === "native" ? { tools: definitions } : { format: actionFormat(definitions) }),
          signal: controller.signal,
          ...(left === Infinity ? {} : { timeoutMs: Math.ceil(left) }),
          ...(options.options === undefined ? {} : { options: options.options }),
        });
      } catch (error) {
        if (mode !== "native" || !lacksNativeTools(error)) throw error;
        // Not the model's doing, and no step of its own: ask again, one JSON action per turn.
        mode = "json";
        messages.push(actionPrompt(definitions));
        options.onNote?.(`${options.model} has no native tool calling here; one JSON action per turn`);
        record({ step, kind: "event", mode, reason: "the server said the model does not support tools" });
        step -= 1;
        continue;
      }
      options.onReply?.(reply, step);
      const action = mode === "json" ? parseAction(reply.content, step) : undefined;
      const calls = action ? ("call" in action ? [action.call] : []) : (reply.toolCalls ?? []);
      record({ step, kind: "reply", content: reply.content, toolCalls: calls.map((c) => ({ name: c.name, arguments: c.arguments })) });
      messages.push({ role: "assistant", content: reply.content, ...(mode === "native" && calls.length > 0 ? { toolCalls: calls } : {}) });
      if (action && "error" in action) {
        // Structured output makes this rare; a model that keeps at it is bounded by max_steps.
        refuse("tool_error", "(action)", action.error);
        messages.push({ role: "user", content: action.error });
        continue;
      }
      if (calls.length === 0) {
        if (nudged) return end("text", "the model answered in text twice", { result: reply.content, outcome: "done", memory: [], followups: [] });
        nudged = true;
        messages.push({ role: "user", content: FINISH_NUDGE });
        continue;
      }
      for (const call of calls) {
        const key = callKey(call);
        const count = (seen.get(key) ?? 0) + 1;
        seen.set(key, count);
        if (count >= REPEAT_LIMIT) return end("loop", `${call.name} called ${count} times with the same arguments`, undefined, call.name);
        const outcome = await runCall(call, offered, ctx);
        if (controller.signal.aborted) return end("aborted", "the work was stopped");
        if (outcome.kind === "ran" && outcome.result.finish) return end("finish", "finish called", outcome.result.finish);
        let text: string;
        if (outcome.kind === "ran") {
          text = outcome.result.text;
          if (CHANGING_TOOLS.has(call.name)) seen.clear();
        } else {
          text = outcome.text;
          refuse(outcome.category, call.name, outcome.text);
        }
        text = gated(options, call, outcome.input, text, step, record);
        record({ step, kind: "tool", tool: call.name, id: call.id, text });
        messages.push(mode === "json" ? actionResult(call.name, text) : { role: "tool", content: text, toolCallId: call.id, toolName: call.name });
      }
    }
  } catch (error) {
    if (controller.signal.aborted) return end("aborted", timedOut ? `no finish within ${options.timeoutMs} ms` : "the work was stopped");
    if (deadline - clock() <= 0) return end("timeout", `no finish within ${options.timeoutMs} ms`);
    options.signal?.removeEventListener("abort", stopOnParent);
    clearTimeout(timer);
    throw error;
  }
}

function gated(options: ToolLoopOptions, call: ToolCall, input: unknown, text: string, step: number, record: TranscriptSink): string {
  const verdict = options.gate({ tool: call.name, input, text });
  if (verdict.allowed) return verdict.text ?? text;
  options.onEvent?.({ event: "gate", step, tool: call.name, reason: verdict.reason });
  record({ step, kind: "event", gate: "block", tool: call.name, reason: verdict.reason });
  return `Refused: this result was withheld from the model (${verdict.reason}).`;
}
