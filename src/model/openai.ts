/**
 * The provider for any OpenAI-compatible server (llama-server, vLLM, LM Studio, Ollama's /v1),
 * on the official `openai` package. Streamed for the same reason as the Ollama provider; the
 * package's retries and deadline are switched off because the call scope and the agent runtime
 * own both.
 */
import OpenAI from "openai";
import type { ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import type { ChatMessage, ChatReply, ChatRequest, ModelInfo, Provider, ReplyTimings, ToolCall, ToolDefinition } from "./provider.js";
import { DEFAULT_MAX_REPLY_BYTES, LIST_TIMEOUT_MS, NO_TIMEOUT_MS, readApiKey, replyTooLarge, withCall } from "./call.js";

export interface OpenAIProviderOptions {
  /** e.g. `http://127.0.0.1:8080/v1` for llama-server, `http://127.0.0.1:11434/v1` for Ollama. */
  baseURL: string;
  /** Name of the environment variable holding the API key; local servers usually need none. */
  apiKeyEnv?: string;
  env?: NodeJS.ProcessEnv;
}

/** The package refuses to start without a key; servers started without --api-key ignore it. */
const PLACEHOLDER_KEY = "not-needed";

export function createOpenAIProvider(options: OpenAIProviderOptions): Provider {
  const env = options.env ?? process.env;
  const host = options.baseURL.replace(/\/+$/, "");
  const client = new OpenAI({
    baseURL: host,
    apiKey: readApiKey(options.apiKeyEnv, env) ?? PLACEHOLDER_KEY,
    // null, not undefined: undefined lets the package pick these up from OPENAI_* variables.
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: NO_TIMEOUT_MS,
    // The package logs malformed chunks to the console before throwing; the thrown error is enough.
    logLevel: "off",
  });

  return {
    kind: "openai",
    host,

    async chat(request: ChatRequest): Promise<ChatReply> {
      const started = performance.now();
      return withCall({ host, model: request.model, timeoutMs: request.timeoutMs, signal: request.signal }, async (scope) => {
        const params: ChatCompletionCreateParamsStreaming = {
          model: request.model,
          messages: request.messages.map(toOpenAIMessage),
          stream: true,
          ...(request.tools === undefined || request.tools.length === 0 ? {} : { tools: request.tools.map(toOpenAITool) }),
          stream_options: { include_usage: true },
          ...mapOptions(request.options ?? {}),
          ...(request.format === undefined
            ? {}
            : { response_format: { type: "json_schema", json_schema: { name: "reply", schema: request.format, strict: false } } }),
        };
        const stream = await client.chat.completions.create(params, { signal: scope.signal });
        scope.responded();
        let content = "";
        let model = request.model;
        let tokensIn = 0;
        let tokensOut = 0;
        const cap = request.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
        // A streamed call arrives in pieces keyed by index: id and name first, arguments in fragments.
        const calls = new Map<number, ToolCall>();
        let argumentLength = 0;
        const timings: ReplyTimings = {};
        for await (const chunk of stream) {
          const delta = chunk.choices[0]?.delta;
          content += delta?.content ?? "";
          if (timings.firstTokenMs === undefined && (content !== "" || (delta?.tool_calls?.length ?? 0) > 0)) timings.firstTokenMs = performance.now() - started;
          Object.assign(timings, serverTimings(chunk));
          for (const piece of delta?.tool_calls ?? []) {
            const call = calls.get(piece.index) ?? { id: "", name: "", arguments: "" };
            if (piece.id) call.id = piece.id;
            if (piece.function?.name) call.name += piece.function.name;
            call.arguments += piece.function?.arguments ?? "";
            argumentLength += piece.function?.arguments?.length ?? 0;
            calls.set(piece.index, call);
          }
          // Tool-call arguments count toward the cap: a model can flood them as well as the text.
          if (content.length + argumentLength > cap) {
            stream.controller.abort();
            throw replyTooLarge(host, cap);
          }
          if (chunk.model) model = chunk.model;
          if (chunk.usage) {
            tokensIn = chunk.usage.prompt_tokens;
            tokensOut = chunk.usage.completion_tokens;
          }
        }
        // The package ends the iteration quietly when the request is aborted; an abort is not a reply.
        if (scope.signal.aborted) throw scope.signal.reason;
        const toolCalls = [...calls.entries()]
          .sort(([a], [b]) => a - b)
          .map(([index, call]) => ({ ...call, id: call.id === "" ? `call_${index + 1}` : call.id }));
        return {
          content,
          model,
          tokensIn,
          tokensOut,
          durationMs: Math.round(performance.now() - started),
          ...(toolCalls.length === 0 ? {} : { toolCalls }),
          timings,
        };
      });
    },

    async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
      return withCall({ host, timeoutMs: LIST_TIMEOUT_MS, signal }, async (scope) => {
        const models: ModelInfo[] = [];
        for await (const model of client.models.list({ signal: scope.signal })) {
          const contextLength = contextLengthIn(model);
          models.push(contextLength === undefined ? { name: model.id } : { name: model.id, contextLength });
        }
        if (scope.signal.aborted) throw scope.signal.reason;
        return models;
      });
    },
  };
}

/** Ollama-style option names to the OpenAI request fields that mean the same; the rest have no equivalent. */
function mapOptions(options: Record<string, unknown>): Partial<ChatCompletionCreateParamsStreaming> {
  const mapped: Partial<ChatCompletionCreateParamsStreaming> = {};
  const number = (key: string): number | undefined => (typeof options[key] === "number" ? options[key] : undefined);
  const temperature = number("temperature");
  const maxTokens = number("num_predict") ?? number("max_tokens");
  const topP = number("top_p");
  const seed = number("seed");
  if (temperature !== undefined) mapped.temperature = temperature;
  // Ollama's num_predict -1 means "no limit"; the OpenAI API says that by omitting the field.
  if (maxTokens !== undefined && maxTokens > 0) mapped.max_tokens = maxTokens;
  if (topP !== undefined) mapped.top_p = topP;
  if (seed !== undefined) mapped.seed = seed;
  return mapped;
}

/** llama-server (and the test double) put their own measurements in a non-standard `timings` field. */
function serverTimings(chunk: object): ReplyTimings {
  const timings: unknown = Reflect.get(chunk, "timings");
  if (typeof timings !== "object" || timings === null) return {};
  const number = (key: string): number | undefined => {
    const value: unknown = Reflect.get(timings, key);
    return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  const promptMs = number("prompt_ms");
  const evalMs = number("predicted_ms");
  return { ...(promptMs === undefined ? {} : { promptMs }), ...(evalMs === undefined ? {} : { evalMs }) };
}

/** Servers that report a context length put it in non-standard fields (vLLM, OpenRouter). */
function contextLengthIn(model: object): number | undefined {
  for (const key of ["max_model_len", "context_length"]) {
    const value: unknown = Reflect.get(model, key);
    if (typeof value === "number") return value;
  }
  return undefined;
}

function toOpenAIMessage(message: ChatMessage): ChatCompletionMessageParam {
  if (message.role === "tool") return { role: "tool", content: message.content, tool_call_id: message.toolCallId ?? "" };
  if (message.role === "assistant" && message.toolCalls !== undefined && message.toolCalls.length > 0) {
    return {
      role: "assistant",
      content: message.content === "" ? null : message.content,
      tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } })),
    };
  }
  return { role: message.role, content: message.content };
}

function toOpenAITool(tool: ToolDefinition): ChatCompletionTool {
  return { type: "function", function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}
