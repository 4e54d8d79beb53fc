/**
 * Contexts of a loaded embedded model, kept between calls so the next call reuses the evaluated
 * prefix: node-llama-cpp keeps a sequence's tokens that match the new prompt and evaluates only the
 * rest. A tool loop resends the whole, growing conversation every step; without this, every step
 * evaluates the system prompt, tool list and history again (seconds each on a CPU).
 *
 * Bounds: at most one idle context per model and settings is kept (a second concurrent call gets
 * a context of its own, disposed after), an idle one is disposed after IDLE_DISPOSE_MS, and a
 * context whose call failed is disposed rather than reused.
 */
type LlamaModel = import("node-llama-cpp").LlamaModel;
type LlamaContext = import("node-llama-cpp").LlamaContext;
type LlamaContextSequence = import("node-llama-cpp").LlamaContextSequence;

/** A context and its one sequence: the sequence holds the evaluated tokens, so the two are kept together. */
export interface HeldContext {
  context: LlamaContext;
  sequence: LlamaContextSequence;
}

/** How long an idle context keeps its memory (the KV cache: up to gigabytes for a large model and context). */
export const IDLE_DISPOSE_MS = 5 * 60_000;

export interface ContextSettings {
  contextSize: number;
  threads: number;
}

interface IdleContext {
  held: HeldContext;
  timer: NodeJS.Timeout;
}

const idle = new Map<string, IdleContext>();
/** Each model's own key: two loads of one path would be two models (the loaded-model cache prevents it). */
const modelIds = new WeakMap<LlamaModel, number>();
let nextModelId = 0;

function keyOf(model: LlamaModel, settings: ContextSettings): string {
  let id = modelIds.get(model);
  if (id === undefined) {
    id = nextModelId++;
    modelIds.set(model, id);
  }
  return `${id}\u0000${settings.contextSize}\u0000${settings.threads}`;
}

/** A context for one call: the idle one of these settings when there is one, else a new one. */
export async function acquireContext(model: LlamaModel, settings: ContextSettings): Promise<HeldContext> {
  const key = keyOf(model, settings);
  const kept = idle.get(key);
  if (kept) {
    idle.delete(key);
    clearTimeout(kept.timer);
    if (!kept.held.context.disposed && !kept.held.sequence.disposed) return kept.held;
  }
  const context = await model.createContext({ contextSize: settings.contextSize, threads: settings.threads });
  return { context, sequence: context.getSequence() };
}

/** Hands a context back after its call: kept for the next call when healthy and none is kept yet, else disposed. */
export async function releaseContext(model: LlamaModel, settings: ContextSettings, held: HeldContext, healthy: boolean): Promise<void> {
  const key = keyOf(model, settings);
  if (!healthy || held.context.disposed || held.sequence.disposed || idle.has(key)) {
    await held.context.dispose();
    return;
  }
  // unref: a kept context never holds the process open.
  const timer = setTimeout(() => {
    if (idle.get(key)?.held === held) idle.delete(key);
    void held.context.dispose();
  }, IDLE_DISPOSE_MS);
  timer.unref();
  idle.set(key, { held, timer });
}

/** Disposes every kept context (tests, and a process that wants its memory back now). */
export async function disposeIdleContexts(): Promise<void> {
  const kept = [...idle.values()];
  idle.clear();
  for (const entry of kept) {
    clearTimeout(entry.timer);
    await entry.held.context.dispose();
  }
}
