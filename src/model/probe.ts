/**
 * `bead models check`, the I/O part: one probe is one chat with a prompt of a chosen size, sent
 * with the agent's own options (so a prompt the agent's settings would cut is cut here too),
 * then a look at the memory the model takes.
 */
import { estimateTokens } from "./tokens.js";
import { loadedModels, sameModel } from "./ollama-ps.js";
import type { Provider } from "./provider.js";
import { measureReply, type ProbeResult } from "./readiness.js";

export interface ProbeTarget {
  provider: Provider;
  model: string;
  /** The agent file's options (num_ctx, temperature...), sent as the agent sends them. */
  options: Record<string, unknown>;
  /** Headers for /api/ps (a bearer token for an Ollama behind a proxy). */
  headers?: Record<string, string>;
  timeoutMs: number;
}

/** Enough generation to measure a rate; small enough that a slow model finishes the check. */
const PROBE_REPLY_TOKENS = 64;

export async function runProbe(target: ProbeTarget, context: ProbeResult["context"], tokens: number, signal?: AbortSignal): Promise<ProbeResult> {
  const prompt = probePrompt(tokens);
  const started = performance.now();
  const reply = await target.provider.chat({
    model: target.model,
    messages: [{ role: "user", content: prompt }],
    options: { ...target.options, num_predict: PROBE_REPLY_TOKENS },
    timeoutMs: target.timeoutMs,
    ...(signal ? { signal } : {}),
  });
  const result = measureReply(context, estimateTokens(prompt), reply, performance.now() - started);
  const memory = await memoryOf(target, signal);
  return memory === undefined ? result : { ...result, memory };
}

async function memoryOf(target: ProbeTarget, signal: AbortSignal | undefined): Promise<ProbeResult["memory"]> {
  if (target.provider.kind === "embedded") return { rss: process.memoryUsage().rss };
  if (target.provider.kind !== "ollama" || target.provider.host === undefined) return undefined;
  try {
    const found = (await loadedModels(target.provider.host, { ...(target.headers ? { headers: target.headers } : {}), ...(signal ? { signal } : {}) })).find((m) => sameModel(m.name, target.model));
    return found ? { size: found.size, sizeVram: found.sizeVram } : undefined;
  } catch {
    return undefined; // an older Ollama without /api/ps: the rest of the check still stands
  }
}

/**
 * Numbered lines of plain text (distinct, so no server can answer from a cached prefix of the
 * short probe), then a task whose answer is long enough to time.
 */
export function probePrompt(tokens: number): string {
  const ask = "\nWrite the numbers from one to forty in words, separated by commas.";
  const lines: string[] = [];
  let length = ask.length;
  for (let i = 1; length < tokens * 4; i++) {
    const line = `Line ${i}: shelf ${i} holds ${(i * 7) % 53} jars of honey and ${(i * 11) % 31} boxes of tea.\n`;
    lines.push(line);
    length += line.length;
  }
  return lines.join("") + ask;
}
