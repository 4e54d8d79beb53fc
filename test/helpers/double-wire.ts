/** How the Ollama double (ollama-double.ts) frames replies on the native and the OpenAI-compatible API. */
import type { ServedTimes } from "./model-load.js";
import type { DoubleToolCall } from "./ollama-double.js";

export const CREATED_AT = "2025-01-01T00:00:00Z";

export type Tokens = { prompt: number; eval: number };
export type Timing = { times: ServedTimes; pace: (ms: number) => Promise<void>; reportsTimings?: boolean };
const NS_PER_MS = 1_000_000;
/** How one protocol frames a stream chunk, the end of a stream, and a whole (unstreamed) reply. */
type Wire = {
  frame(payload: unknown): string;
  chunk(piece: string): unknown;
  toolCalls(calls: DoubleToolCall[]): string;
  finish(): string;
  whole(content: string): unknown;
};

export function ollamaWire(model: string, tokens: Tokens, times?: ServedTimes): Wire {
  // Without a load simulation: fixed small durations, as before. With one: what the settings imply.
  const ns = (ms: number) => Math.round(ms * NS_PER_MS);
  const load = times ? ns(times.loadMs) : 100_000;
  const prompt = times ? ns(times.promptMs) : 200_000;
  const evaluation = times ? ns(times.evalMs) : 700_000;
  const stats = { done: true, done_reason: "stop", total_duration: load + prompt + evaluation, load_duration: load };
  const counts = { prompt_eval_count: tokens.prompt, prompt_eval_duration: prompt, eval_count: tokens.eval, eval_duration: evaluation };
  const message = (content: string) => ({ model, created_at: CREATED_AT, message: { role: "assistant", content } });
  const frame = (payload: unknown) => `${typeof payload === "string" ? payload : JSON.stringify(payload)}\n`;
  return {
    frame,
    chunk: (piece) => ({ ...message(piece), done: false }),
    toolCalls: (calls) =>
      frame({ model, created_at: CREATED_AT, message: { role: "assistant", content: "", tool_calls: calls.map((c) => ({ function: { name: c.name, arguments: c.arguments } })) }, done: false }),
    finish: () => frame({ ...message(""), ...stats, ...counts }),
    whole: (content) => ({ ...message(content), ...stats, ...counts }),
  };
}

export function openaiWire(model: string, tokens: Tokens, includeUsage: boolean, times?: ServedTimes): Wire {
  // llama-server reports its own measurements as `timings` on the last chunk; so does the double under load.
  const timings = times
    ? {
        timings: {
          prompt_n: tokens.prompt,
          prompt_ms: times.promptMs,
          prompt_per_second: times.promptMs > 0 ? (tokens.prompt * 1000) / times.promptMs : 0,
          predicted_n: tokens.eval,
          predicted_ms: times.evalMs,
          predicted_per_second: times.evalMs > 0 ? (tokens.eval * 1000) / times.evalMs : 0,
        },
      }
    : {};
  const head = { id: "chatcmpl-1", created: 1735689600, model, system_fingerprint: "fp_ollama" };
  const usage = { prompt_tokens: tokens.prompt, completion_tokens: tokens.eval, total_tokens: tokens.prompt + tokens.eval };
  const frame = (payload: unknown) => `data: ${typeof payload === "string" ? payload : JSON.stringify(payload)}\n\n`;
  const delta = (content: string | undefined, finish: string | null) => ({
    ...head,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta: content === undefined ? {} : { role: "assistant", content }, finish_reason: finish }],
  });
  return {
    frame,
    chunk: (piece) => delta(piece, null),
    toolCalls: (calls) =>
      calls
        .flatMap((call, index) => {
          const text = typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
          const half = Math.ceil(text.length / 2);
          const piece = (fields: Record<string, unknown>) => ({
            ...head,
            object: "chat.completion.chunk",
            choices: [{ index: 0, delta: { tool_calls: [{ index, ...fields }] }, finish_reason: null }],
          });
          return [
            piece({ id: `call_double_${index}`, type: "function", function: { name: call.name, arguments: text.slice(0, half) } }),
            piece({ function: { arguments: text.slice(half) } }),
          ];
        })
        .map(frame)
        .join(""),
    finish: () =>
      frame({ ...delta(undefined, "stop"), ...timings }) + (includeUsage ? frame({ ...head, object: "chat.completion.chunk", choices: [], usage }) : "") + frame("[DONE]"),
    whole: (content) => ({
      ...head,
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
      usage,
      ...timings,
    }),
  };
}

