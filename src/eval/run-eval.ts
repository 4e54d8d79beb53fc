/**
 * An evaluation of one agent's model: every task through runTask, in parallel up to a limit
 * (p-queue), stopping at the caller's signal (what has not started is not run; what runs is
 * aborted through the loop's signal and ends within seconds). Results come back in task order.
 */
import PQueue from "p-queue";
import type { LoopEvent, ResultGate } from "../harness/loop.js";
import type { Provider } from "../model/provider.js";
import { runTask } from "./run-task.js";
import { summarise, type AgentEval, type TaskResult } from "./summary.js";
import type { EvalTask } from "./task.js";

export interface EvalRunOptions {
  agent: string;
  model: string;
  provider: Provider;
  systemPrompt: string;
  modelOptions?: Record<string, unknown>;
  tasks: EvalTask[];
  /** Tasks at once; the agent's or server's request limit. */
  parallel: number;
  minPass: number;
  gate: ResultGate;
  signal: AbortSignal;
  /** A guardrail the loop hit (step_limit, loop, timeout, a refused or failed tool): for metrics.jsonl. */
  onGuardrail?: (task: EvalTask, event: LoopEvent) => void;
  /** One task finished (for progress lines). */
  onTask?: (result: TaskResult) => void;
  /** Transcript line of a task (to keep transcripts in a file). */
  onTranscriptLine?: (task: EvalTask, line: string) => void;
  now?: () => Date;
}

export async function runEval(options: EvalRunOptions): Promise<AgentEval> {
  const started = performance.now();
  const at = (options.now ?? (() => new Date()))().toISOString();
  const queue = new PQueue({ concurrency: Math.max(1, options.parallel) });
  const results: (TaskResult | undefined)[] = options.tasks.map(() => undefined);
  // Jobs see `stop`: the caller's signal, or the first task that found no server at all.
  const stop = new AbortController();
  const forward = (): void => stop.abort(options.signal.reason);
  if (options.signal.aborted) forward();
  options.signal.addEventListener("abort", forward, { once: true });
  let fatal: unknown;
  // A job that starts after the stop returns at once (queue.clear() would leave add()'s promises unsettled).
  await Promise.all(
    options.tasks.map((task, index) =>
      queue.add(async () => {
        if (stop.signal.aborted) return;
        let result: TaskResult;
        try {
          result = await runTask(task, {
            provider: options.provider,
            model: options.model,
            agentName: options.agent,
            systemPrompt: options.systemPrompt,
            ...(options.modelOptions ? { modelOptions: options.modelOptions } : {}),
            gate: options.gate,
            signal: stop.signal,
            onEvent: (event) => options.onGuardrail?.(task, event),
            ...(options.onTranscriptLine ? { onTranscriptLine: (line: string) => options.onTranscriptLine?.(task, line) } : {}),
          });
        } catch (error) {
          fatal ??= error;
          stop.abort(error);
          return;
        }
        // A task cut short by the stop is not a verdict on the model.
        if (stop.signal.aborted && !result.passed) return;
        results[index] = result;
        options.onTask?.(result);
      }),
    ),
  );
  options.signal.removeEventListener("abort", forward);
  if (fatal !== undefined) throw fatal;
  const done = results.filter((result): result is TaskResult => result !== undefined);
  return summarise({
    agent: options.agent,
    model: options.model,
    at,
    tasks: done,
    minPass: options.minPass,
    durationMs: performance.now() - started,
    ...(done.length < options.tasks.length ? { interrupted: true } : {}),
  });
}
