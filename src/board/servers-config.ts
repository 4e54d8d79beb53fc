/**
 * `servers:` and `model_check:` in .beadboard.yml, parsed once at the edge (zod/mini) into typed
 * values. A mistake is a ConfigError naming the file, the line of the offending key, and the fix.
 *
 *     servers:
 *       http://127.0.0.1:11434: laptop          # a preset alone
 *       http://gpu-box:11434:
 *         preset: server                        # laptop | workstation | server
 *         parallel: 3                           # requests at once (OLLAMA_NUM_PARALLEL)
 *         models: 2                             # models that may be loaded at once
 *         memory: 48GB                          # what the loaded models may take together
 *         max_wait: 2m                          # no bead waits longer for its model
 *     model_check:
 *       min_tokens_per_s: 20
 *       min_prompt_tokens_per_s: 200
 *       max_first_token: 10s
 */
import { LineCounter, parseDocument, isMap, isScalar, type Node } from "yaml";
import * as z from "../schema/zod.js";
import { ConfigError } from "../errors.js";
import { parseDuration } from "../time/duration.js";

/** The board's thresholds (`model_check:` in .beadboard.yml). */
export interface ReadinessThresholds {
  /** Generation speed below this is too slow for agents (default 20 tokens/s). */
  minTokensPerSecond: number;
  /** Prompt reading speed below this is too slow (off unless set). */
  minPromptTokensPerSecond?: number;
  /** A first token later than this is too slow (off unless set). */
  maxFirstTokenMs?: number;
}

export const DEFAULT_THRESHOLDS: ReadinessThresholds = { minTokensPerSecond: 20 };

export interface ServerProfile {
  /** Requests the server works on at once, over all agents of this process. */
  parallel: number;
  /** Models with work in flight at once; a new one starts only when one of those is done. */
  maxModels: number;
  /** Bytes the models in flight may take together (from /api/ps or /api/tags sizes); unset: no limit. */
  memoryBytes?: number;
  /** The longest a bead waits for its model to get a turn. */
  maxWaitMs: number;
  preset?: PresetName;
}

export const PRESET_NAMES = ["laptop", "workstation", "server"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const GB = 1024 ** 3;
export const PRESETS: Record<PresetName, ServerProfile> = {
  laptop: { parallel: 1, maxModels: 1, memoryBytes: 8 * GB, maxWaitMs: 5 * 60_000, preset: "laptop" },
  workstation: { parallel: 2, maxModels: 2, memoryBytes: 24 * GB, maxWaitMs: 2 * 60_000, preset: "workstation" },
  server: { parallel: 4, maxModels: 4, memoryBytes: 80 * GB, maxWaitMs: 60_000, preset: "server" },
};

/** A server not listed under `servers:`: one request at a time (or BEAD_SERVER_CONCURRENCY), any number of models. */
export function defaultProfile(env: NodeJS.ProcessEnv): ServerProfile {
  const parallel = Number(env.BEAD_SERVER_CONCURRENCY);
  return { parallel: Number.isInteger(parallel) && parallel > 0 ? parallel : 1, maxModels: Number.POSITIVE_INFINITY, maxWaitMs: 2 * 60_000 };
}

const count = z.int().check(z.gte(1, "must be a whole number, 1 or more"), z.lte(1024, "must be at most 1024"));
const preset = z.enum(PRESET_NAMES, { error: `must be one of ${PRESET_NAMES.join(", ")}` });
const serverSchema = z.union([
  preset,
  z.strictObject({
    preset: z.optional(preset),
    parallel: z.optional(count),
    models: z.optional(count),
    memory: z.optional(z.union([z.string(), z.number().check(z.positive())])),
    max_wait: z.optional(z.union([z.string(), z.number().check(z.gte(0))])),
  }),
]);
const serversSchema = z.record(z.string().check(z.minLength(1)), serverSchema);
const modelCheckSchema = z.strictObject({
  min_tokens_per_s: z.optional(z.number().check(z.gte(0))),
  min_prompt_tokens_per_s: z.optional(z.number().check(z.gte(0))),
  max_first_token: z.optional(z.union([z.string(), z.number().check(z.gte(0))])),
});

/** `servers:` → a profile per host (keys as written; src/agent/server-gate.ts matches them to agents' hosts). */
export function parseServers(raw: unknown, text: string, file: string): Record<string, ServerProfile> {
  if (raw === undefined || raw === null) return {};
  const parsed = serversSchema.safeParse(raw);
  if (!parsed.success) throw issueError(parsed.error.issues[0], ["servers"], text, file, "see docs/MODELS.md for the keys of servers:");
  const out: Record<string, ServerProfile> = {};
  for (const [host, value] of Object.entries(parsed.data)) {
    if (typeof value === "string") {
      out[host] = { ...PRESETS[value] };
      continue;
    }
    const base: ServerProfile = value.preset ? { ...PRESETS[value.preset] } : { parallel: 1, maxModels: 1, maxWaitMs: 2 * 60_000 };
    const at = (key: string) => ["servers", host, key];
    if (value.parallel !== undefined) base.parallel = value.parallel;
    if (value.models !== undefined) base.maxModels = value.models;
    if (value.memory !== undefined) base.memoryBytes = convert(() => parseBytes(value.memory!), at("memory"), text, file);
    if (value.max_wait !== undefined) base.maxWaitMs = convert(() => parseDuration(value.max_wait!, "max_wait"), at("max_wait"), text, file);
    out[host] = base;
  }
  return out;
}

export function parseModelCheck(raw: unknown, text: string, file: string): ReadinessThresholds {
  if (raw === undefined || raw === null) return { ...DEFAULT_THRESHOLDS };
  const parsed = modelCheckSchema.safeParse(raw);
  if (!parsed.success) throw issueError(parsed.error.issues[0], ["model_check"], text, file, "model_check: takes min_tokens_per_s, min_prompt_tokens_per_s, max_first_token");
  const out: ReadinessThresholds = { minTokensPerSecond: parsed.data.min_tokens_per_s ?? DEFAULT_THRESHOLDS.minTokensPerSecond };
  if (parsed.data.min_prompt_tokens_per_s !== undefined) out.minPromptTokensPerSecond = parsed.data.min_prompt_tokens_per_s;
  const first = parsed.data.max_first_token;
  if (first !== undefined) out.maxFirstTokenMs = convert(() => parseDuration(first, "max_first_token"), ["model_check", "max_first_token"], text, file);
  return out;
}

/** "24GB", "8 GiB", "512MB", or a number of bytes. GB and GiB both mean 1024³, as Ollama's sizes are read by people. */
export function parseBytes(value: string | number): number {
  if (typeof value === "number") return value;
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?$/i.exec(value.trim());
  if (!match) throw new Error(`${JSON.stringify(value)} is not a size; write e.g. 24GB or 512MB`);
  const unit = (match[2] ?? "b").toLowerCase().replace("i", "");
  const scale: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };
  return Math.round(Number(match[1]) * (scale[unit] ?? 1));
}

function convert<T>(fn: () => T, path: readonly PropertyKey[], text: string, file: string): T {
  try {
    return fn();
  } catch (error) {
    const line = lineOf(text, path);
    throw new ConfigError(`${file}${line === undefined ? "" : `:${line}`}: ${path.map(String).join(".")}: ${(error as Error).message}`, { file, line, key: path.join(".") });
  }
}

function issueError(issue: z.core.$ZodIssue | undefined, prefix: string[], text: string, file: string, fix: string): ConfigError {
  const path = [...prefix, ...(issue?.path ?? [])];
  // An unknown key: point at it, not at its map.
  const keys = issue?.code === "unrecognized_keys" ? issue.keys : [];
  const where = keys.length > 0 ? [...path, keys[0]!] : path;
  const line = lineOf(text, where);
  const key = where.map(String).join(".");
  return new ConfigError(`${file}${line === undefined ? "" : `:${line}`}: ${key}: ${issue?.message ?? "invalid"}; ${fix}`, { file, line, key });
}

/** The 1-based line of the key at `path` in the YAML text (the deepest key found on the way). */
export function lineOf(text: string, path: readonly PropertyKey[]): number | undefined {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const step of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(step));
    if (!pair) break;
    const range = (pair.key as Node).range;
    if (range) line = counter.linePos(range[0]).line;
    node = pair.value;
  }
  return line;
}
