/** Shared rig of the provider tests: one Ollama-protocol double per test, a sample request, waits. */
import type { ChatRequest } from "../../src/model/provider.js";
import { startOllamaDouble, type OllamaDouble, type OllamaDoubleOptions } from "../helpers/ollama-double.js";

let double: OllamaDouble | undefined;

/** For afterEach: close the double the test started. */
export async function closeDouble(): Promise<void> {
  await double?.close();
  double = undefined;
}

export async function start(options: OllamaDoubleOptions = {}): Promise<OllamaDouble> {
  double = await startOllamaDouble(options);
  return double;
}

export const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "qwen3:8b",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Say hello." },
  ],
  ...extra,
});

export async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}
