/**
 * `provider: embedded`: llama.cpp inside this process through node-llama-cpp, loaded lazily so
 * the CLI (and a lean install without the optional dependency) never pays for it. Always local.
 */
import { open } from "node:fs/promises";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { constants, Script } from "node:vm";
import { isAbsolute, resolve } from "node:path";
import { EngineMissingError, ModelError, ModelFileMissingError } from "../errors.js";
import { acquireContext, releaseContext } from "./embedded-contexts.js";
import { chatHistoryOf, toolCallFromReply, toolInstructions, toolTurnSchema } from "./embedded-tools.js";
import type { ChatReply, ChatRequest, ModelInfo, Provider } from "./provider.js";

type Engine = typeof import("node-llama-cpp");
type LlamaModel = import("node-llama-cpp").LlamaModel;
type Llama = import("node-llama-cpp").Llama;

export interface EmbeddedOptions {
  /** Where relative model paths are resolved (the board root). */
  boardRoot: string;
  /** Maps an agent's `model:` to a file (hf: URIs to the model cache); default: relative to boardRoot. */
  resolveModel?: (model: string) => string;
  contextSize?: number;
  gpuLayers?: number;
  threads?: number;
}

interface LoadedModel {
  model: LlamaModel;
  loadMs: number;
}

/**
 * A real import(), out of esbuild's reach: the CLI bundle turns import() into require(), and
 * node-llama-cpp is ESM with top-level await, which require() cannot load. It runs in a script of
 * its own because the bundle, run from V8's code cache, has lost its dynamic-import callback (Node
 * 20); the specifier is resolved from this file first, not from the working directory.
 */
export async function importEngine(): Promise<Engine> {
  const importUrl = new Script("(url) => import(url)", { importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }).runInThisContext() as (url: string) => Promise<Engine>;
  return importUrl(pathToFileURL(createRequire(import.meta.url).resolve("node-llama-cpp")).href);
}

let enginePromise: Promise<{ engine: Engine; llama: Llama }> | undefined;
/** One loaded copy per model path per process, shared by every agent naming it. */
const loadedModels = new Map<string, Promise<LoadedModel>>();

async function loadEngine(gpu: boolean): Promise<{ engine: Engine; llama: Llama }> {
  enginePromise ??= (async () => {
    let engine: Engine;
    try {
      engine = await importEngine();
    } catch (error) {
      throw new EngineMissingError({ cause: error });
    }
    const llama = await engine.getLlama(gpu ? { build: "never" } : { gpu: false, build: "never" });
    return { engine, llama };
  })();
  try {
    return await enginePromise;
  } catch (error) {
    enginePromise = undefined;
    throw error;
  }
}

/** The path a model reference names; hf: URIs are resolved by the model cache (models pull). */
export function resolveModelPath(model: string, boardRoot: string): string {
  return isAbsolute(model) ? model : resolve(boardRoot, model);
}

const GGUF_MAGIC = "GGUF";

/** Checks the file exists and starts like a GGUF before handing it to the engine (clear errors). */
async function checkModelFile(path: string, fetchCommand: string | undefined): Promise<void> {
  let handle: import("node:fs/promises").FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new ModelFileMissingError(path, `model file ${path} not found`, fetchCommand, { cause: error });
  }
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead < 4 || head.toString("ascii") !== GGUF_MAGIC) {
      throw new ModelFileMissingError(path, `model file ${path} is not a GGUF model (corrupt or partial download)`, fetchCommand);
    }
  } finally {
    await handle.close();
  }
}

async function loadModel(path: string, options: EmbeddedOptions, fetchCommand: string | undefined): Promise<LoadedModel> {
  let pending = loadedModels.get(path);
  if (!pending) {
    pending = (async () => {
      await checkModelFile(path, fetchCommand);
      const { llama } = await loadEngine((options.gpuLayers ?? 0) > 0);
      const started = performance.now();
      try {
        const model = await llama.loadModel({ modelPath: path, ...(options.gpuLayers === undefined ? {} : { gpuLayers: options.gpuLayers }) });
        return { model, loadMs: performance.now() - started };
      } catch (error) {
        throw new ModelFileMissingError(path, `model file ${path} did not load: ${(error as Error).message}`, fetchCommand, { cause: error });
      }
    })();
    loadedModels.set(path, pending);
    pending.catch(() => loadedModels.delete(path));
  }
  return pending;
}

function generationRate(tokens: number, ms: number): number {
  return ms > 0 ? Math.round((tokens / (ms / 1000)) * 10) / 10 : 0;
}

function numberOption(options: Record<string, unknown> | undefined, key: string): number | undefined {
  const value = options?.[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The engine settings a provider runs with, after defaults (for doctor and tests). */
export interface EngineSettings {
  gpuLayers: number;
  threads: number;
}

export type EmbeddedProvider = Provider & { lastLoadMs?: number; readonly engineSettings: EngineSettings };

export function createEmbeddedProvider(options: EmbeddedOptions, fetchCommandFor: (model: string) => string | undefined = () => undefined): EmbeddedProvider {
  let callCount = 0;
  const provider: EmbeddedProvider = {
    kind: "embedded",
    host: undefined,
    engineSettings: { gpuLayers: options.gpuLayers ?? 0, threads: options.threads ?? 1 },
    async chat(request: ChatRequest): Promise<ChatReply> {
      const started = performance.now();
      const path = options.resolveModel ? options.resolveModel(request.model) : resolveModelPath(request.model, options.boardRoot);
      const loaded = await loadModel(path, options, fetchCommandFor(request.model));
      provider.lastLoadMs = loaded.loadMs;
      const { engine, llama } = await loadEngine((options.gpuLayers ?? 0) > 0);
      const contextSize = numberOption(request.options, "num_ctx") ?? options.contextSize ?? 2048;
      const settings = { contextSize, threads: options.threads ?? 1 };
      const held = await acquireContext(loaded.model, settings);
      const { sequence } = held;
      let healthy = false;
      const timeout = request.timeoutMs === undefined ? undefined : AbortSignal.timeout(request.timeoutMs);
      const signals = [request.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
      const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
      let session: import("node-llama-cpp").LlamaChatSession | undefined;
      try {
        const metered = sequence.tokenMeter.getState();
        const tools = request.tools && request.tools.length > 0 ? request.tools : undefined;
        const { system, history, prompt } = chatHistoryOf(request.messages, tools ? toolInstructions(tools) : undefined);
        // The sequence outlives the session: the next call reuses its evaluated prefix (embedded-contexts.ts).
        session = new engine.LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false, ...(system ? { systemPrompt: system } : {}) });
        if (history.length > 0) session.setChatHistory([...(system ? [{ type: "system" as const, text: system }] : []), ...history]);
        // With tools, the grammar admits one call of one offered tool and nothing else (embedded-tools.ts).
        const schema = tools ? toolTurnSchema(tools) : request.format;
        const grammar = schema ? await llama.createGrammarForJsonSchema(schema as never) : undefined;
        const temperature = numberOption(request.options, "temperature");
        // A tool turn always has a bound: a model that never closes its JSON would otherwise write until the deadline.
        const maxTokens = numberOption(request.options, "num_predict") ?? numberOption(request.options, "max_tokens") ?? (tools ? contextSize : undefined);
        const generationStarted = performance.now();
        const result = await session.promptWithMeta(prompt, {
          ...(grammar ? { grammar } : {}),
          ...(temperature === undefined ? {} : { temperature }),
          ...(maxTokens === undefined ? {} : { maxTokens }),
          ...(signal ? { signal, stopOnAbortSignal: true } : {}),
        });
        healthy = true;
        const used = sequence.tokenMeter.diff(metered);
        if (timeout?.aborted) throw new ModelError(`embedded model ${path}: no full reply within ${request.timeoutMs} ms`, { model: path });
        if (request.signal?.aborted) throw new ModelError(`embedded model ${path}: aborted`, { model: path });
        const toolCalls = tools ? [toolCallFromReply(result.responseText, tools, `call_${++callCount}`)] : undefined;
        return {
          content: toolCalls ? "" : result.responseText,
          model: request.model,
          tokensIn: used.usedInputTokens,
          tokensOut: used.usedOutputTokens,
          durationMs: performance.now() - started,
          loadMs: loaded.loadMs,
          tokensPerSecond: generationRate(used.usedOutputTokens, performance.now() - generationStarted),
          ...(toolCalls ? { toolCalls } : {}),
        };
      } catch (error) {
        // The engine throws the signal's reason when aborted before generation starts.
        if (timeout?.aborted) throw new ModelError(`embedded model ${path}: no full reply within ${request.timeoutMs} ms`, { model: path }, { cause: error });
        if (request.signal?.aborted) throw new ModelError(`embedded model ${path}: aborted`, { model: path }, { cause: error });
        // node-llama-cpp says this in its own words ("context shift", "context size"); say what to change.
        if (error instanceof Error && /context (?:shift|size)/i.test(error.message)) {
          throw new ModelError(`embedded model ${path}: the conversation does not fit its context of ${contextSize} tokens; raise options.num_ctx in the agent file (${error.message.split("\n")[0]})`, { model: path, contextSize }, { cause: error });
        }
        throw error;
      } finally {
        session?.dispose({ disposeSequence: false });
        await releaseContext(loaded.model, settings, held, healthy);
      }
    },
    async listModels(): Promise<ModelInfo[]> {
      return [];
    },
  };
  return provider;
}
