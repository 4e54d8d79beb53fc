/**
 * The Ollama provider, on the `ollama` package. Every chat is streamed: Node's fetch gives up on
 * a response body that has not arrived within five minutes, and a local model can take longer
 * than that to write a whole reply.
 */
import { Ollama, type ChatResponse, type Message, type Options, type Tool } from "ollama";
import type { ChatMessage, ChatReply, ChatRequest, ModelInfo, Provider, ReplyTimings, ToolCall, ToolDefinition } from "./provider.js";
import { DEFAULT_MAX_REPLY_BYTES, LIST_TIMEOUT_MS, httpStatusOf, readApiKey, replyTooLarge, withCall, type CallScope } from "./call.js";

export const DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434";

export interface OllamaProviderOptions {
  /** Server URL; defaults to $OLLAMA_HOST, then the Ollama default. */
  host?: string;
  /** Name of the environment variable holding a bearer token (for an Ollama behind a proxy). */
  apiKeyEnv?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The URL to reach: the explicit host, else $OLLAMA_HOST (which people write the way `ollama serve`
 * reads it: `0.0.0.0:11434`, `host:port`, `:port`), else the default. A bind-all address is not
 * somewhere to connect to, so it means this machine.
 */
export function resolveOllamaHost(host: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  let raw = (host ?? env.OLLAMA_HOST ?? "").trim();
  if (raw === "") return DEFAULT_OLLAMA_HOST;
  const explicitScheme = raw.includes("://");
  if (raw.startsWith(":")) raw = `127.0.0.1${raw}`;
  const url = new URL(explicitScheme ? raw : `http://${raw}`);
  if (url.hostname === "0.0.0.0" || url.hostname === "[::]") url.hostname = "127.0.0.1";
  // Without a scheme Ollama means its own port; with one, the scheme's default.
  if (url.port === "" && !explicitScheme) url.port = "11434";
  return url.toString().replace(/\/+$/, "");
}

export function createOllamaProvider(options: OllamaProviderOptions = {}): Provider {
  const env = options.env ?? process.env;
  const host = resolveOllamaHost(options.host, env);
  const token = readApiKey(options.apiKeyEnv, env);
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  // One client per call: the package passes no signal to GET or non-streamed POST, so the call's
  // signal rides in through the fetch it is given.
  const clientFor = (scope: CallScope): Ollama => new Ollama({ host, headers, fetch: scopedFetch(scope) });

  return {
    kind: "ollama",
    host,

    async chat(request: ChatRequest): Promise<ChatReply> {
      const started = performance.now();
      return withCall({ host, model: request.model, timeoutMs: request.timeoutMs, signal: request.signal }, async (scope) => {
        scope.maxLineBytes = request.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
        const { keep_alive: keepAlive, ...rest } = request.options ?? {};
        const stream = await clientFor(scope).chat({
          model: request.model,
          messages: request.messages.map(toOllamaMessage),
          stream: true,
          ...(request.tools === undefined || request.tools.length === 0 ? {} : { tools: request.tools.map(toOllamaTool) }),
          ...(request.format === undefined ? {} : { format: request.format }),
          // Options are the caller's to choose; the package's Options type is a subset of what servers take.
          ...(request.options === undefined ? {} : { options: rest as Partial<Options> }),
          // keep_alive is a request field in the Ollama API, though agent files list it among the options.
          ...(typeof keepAlive === "string" || typeof keepAlive === "number" ? { keep_alive: keepAlive } : {}),
        });
        let content = "";
        let final: ChatResponse | undefined;
        const toolCalls: ToolCall[] = [];
        const cap = request.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
        let firstTokenMs: number | undefined;
        for await (const part of stream) {
          content += part.message?.content ?? "";
          if (firstTokenMs === undefined && (content !== "" || (part.message?.tool_calls?.length ?? 0) > 0)) firstTokenMs = performance.now() - started;
          if (content.length > cap) {
            stream.abort();
            throw replyTooLarge(host, cap);
          }
          // Ollama sends each call whole, in whichever chunk it completes; ids are ours to give.
          for (const call of part.message?.tool_calls ?? []) {
            toolCalls.push({ id: `call_${toolCalls.length + 1}`, name: call.function.name, arguments: argumentsText(call.function.arguments) });
          }
          if (part.done) final = part;
        }
        return {
          content,
          model: final?.model ?? request.model,
          tokensIn: final?.prompt_eval_count ?? 0,
          tokensOut: final?.eval_count ?? 0,
          durationMs: Math.round(performance.now() - started),
          ...(toolCalls.length === 0 ? {} : { toolCalls }),
          timings: ollamaTimings(final, firstTokenMs),
        };
      });
    },

    async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
      return withCall({ host, timeoutMs: LIST_TIMEOUT_MS, signal }, async (scope) => {
        const client = clientFor(scope);
        const { models } = await client.list();
        return await Promise.all(
          models.map(async ({ name }) => {
            try {
              const contextLength = contextLengthIn((await client.show({ model: name })).model_info);
              return contextLength === undefined ? { name } : { name, contextLength };
            } catch (error) {
              // A model deleted between the two calls still lists; anything else fails the listing.
              if (httpStatusOf(error) !== undefined) return { name };
              throw error;
            }
          }),
        );
      });
    },
  };
}

/** Ollama reports nanoseconds on the last chunk of a stream. */
function ollamaTimings(final: ChatResponse | undefined, firstTokenMs: number | undefined): ReplyTimings {
  const ms = (ns: unknown) => (typeof ns === "number" && Number.isFinite(ns) && ns >= 0 ? ns / 1e6 : undefined);
  const out: ReplyTimings = {};
  if (firstTokenMs !== undefined) out.firstTokenMs = firstTokenMs;
  const load = ms(final?.load_duration);
  const prompt = ms(final?.prompt_eval_duration);
  const evaluation = ms(final?.eval_duration);
  if (load !== undefined) out.loadMs = load;
  if (prompt !== undefined) out.promptMs = prompt;
  if (evaluation !== undefined) out.evalMs = evaluation;
  return out;
}

/** The context length the server reports for `model` (with or without the `:latest` tag). */
export async function contextLengthOf(provider: Provider, model: string, signal?: AbortSignal): Promise<number | undefined> {
  const models = await provider.listModels(signal);
  const found = models.find((m) => m.name === model) ?? models.find((m) => m.name === `${model}:latest`);
  return found?.contextLength;
}

/** `model_info` keys are prefixed by architecture (`qwen3.context_length`, `llama.context_length`). */
function contextLengthIn(modelInfo: unknown): number | undefined {
  if (typeof modelInfo !== "object" || modelInfo === null) return undefined;
  const entries = modelInfo instanceof Map ? [...(modelInfo as Map<unknown, unknown>).entries()] : Object.entries(modelInfo);
  for (const [key, value] of entries) {
    if (typeof key === "string" && key.endsWith(".context_length") && typeof value === "number") return value;
  }
  return undefined;
}

function scopedFetch(scope: CallScope): typeof fetch {
  return async (input, init) => {
    const signal = init?.signal ? AbortSignal.any([init.signal, scope.signal]) : scope.signal;
    const response = await fetch(input, { ...init, signal });
    scope.responded();
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!response.ok || response.body === null || !url.endsWith("/api/chat")) return response;
    return new Response(response.body.pipeThrough(ndjsonGuard(scope.maxLineBytes ?? DEFAULT_MAX_REPLY_BYTES)), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/**
 * Passes the bytes through unchanged but fails the stream on a line that is not JSON: the package
 * skips such lines with a console warning, which would silently drop part of a reply.
 */
function ndjsonGuard(maxLineBytes: number): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let pending = "";
  const check = (line: string): void => {
    if (line.trim() !== "") JSON.parse(line);
  };
  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      lines.forEach(check);
      // One endless line (no newline ever) would otherwise grow without bound here.
      if (pending.length > maxLineBytes) throw new RangeError(`a stream line over ${maxLineBytes} bytes`);
      controller.enqueue(chunk);
    },
    flush() {
      check(pending + decoder.decode());
    },
  });
}

function toOllamaMessage(message: ChatMessage): Message {
  const out: Message = { role: message.role, content: message.content };
  if (message.toolCalls !== undefined && message.toolCalls.length > 0) {
    out.tool_calls = message.toolCalls.map((call) => ({ function: { name: call.name, arguments: parsedArguments(call.arguments) } }));
  }
  if (message.toolName !== undefined) out.tool_name = message.toolName;
  return out;
}

function toOllamaTool(tool: ToolDefinition): Tool {
  // The package types parameters narrowly; any JSON Schema object is what the server takes.
  return { type: "function", function: { name: tool.name, description: tool.description, parameters: tool.parameters as Tool["function"]["parameters"] } };
}

/** Ollama sends arguments as an object; a model that wrote a string gets it passed through as text. */
function argumentsText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? {});
}

/** Echoing a past call back to Ollama needs an object; text that is not one goes back wrapped. */
function parsedArguments(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through: the model wrote malformed arguments, kept as text so it can see what it sent
  }
  return { _raw: text };
}
