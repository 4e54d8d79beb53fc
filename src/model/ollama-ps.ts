/**
 * Ollama's /api/ps: which models the server holds in memory now, and how much each takes
 * (`size`, of which `size_vram` on the GPU). Read by `bead models check` (memory) and by the
 * model-aware scheduler (what is loaded).
 */
import * as z from "../schema/zod.js";

export interface LoadedModel {
  name: string;
  size: number;
  sizeVram: number;
}

const psSchema = z.object({
  models: z.array(z.looseObject({ name: z.string(), size: z._default(z.number(), 0), size_vram: z._default(z.number(), 0) })),
});

/** /api/ps answers are a few hundred bytes a model; a larger one is not Ollama's. */
const MAX_PS_BYTES = 1024 * 1024;

/** The models loaded on an Ollama server, most recently used first (the server's order); throws on any failure. */
export async function loadedModels(host: string, options: { headers?: Record<string, string>; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<LoadedModel[]> {
  const deadline = AbortSignal.timeout(options.timeoutMs ?? 5_000);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const response = await fetch(`${host.replace(/\/+$/, "")}/api/ps`, { headers: options.headers ?? {}, signal });
  if (!response.ok) throw new Error(`${host}/api/ps answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_PS_BYTES) throw new Error(`${host}/api/ps sent over ${MAX_PS_BYTES} bytes`);
  const parsed = psSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${host}/api/ps sent an answer of another shape: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data.models.map((m) => ({ name: m.name, size: m.size, sizeVram: m.size_vram }));
}

const tagsSchema = z.object({ models: z.array(z.looseObject({ name: z.string(), size: z._default(z.number(), 0) })) });

/**
 * The models an Ollama server has (/api/tags) and their file sizes: what a model takes before it
 * is loaded, for a memory budget (loaded, it takes more: /api/ps says how much).
 */
export async function modelFileSizes(host: string, options: { headers?: Record<string, string>; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Array<{ name: string; size: number }>> {
  const deadline = AbortSignal.timeout(options.timeoutMs ?? 5_000);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const response = await fetch(`${host.replace(/\/+$/, "")}/api/tags`, { headers: options.headers ?? {}, signal });
  if (!response.ok) throw new Error(`${host}/api/tags answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_PS_BYTES) throw new Error(`${host}/api/tags sent over ${MAX_PS_BYTES} bytes`);
  const parsed = tagsSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${host}/api/tags sent an answer of another shape`);
  return parsed.data.models.map((m) => ({ name: m.name, size: m.size }));
}

/** `qwen3` and `qwen3:latest` are one model to Ollama. */
export function sameModel(a: string, b: string): boolean {
  const full = (name: string) => (name.includes(":") ? name : `${name}:latest`);
  return full(a) === full(b);
}
