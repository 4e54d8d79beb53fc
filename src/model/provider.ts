/**
 * One interface for every model backend. A provider turns a chat request into a reply; it
 * knows nothing about beads, boards or policy (the worker and the gate do).
 */
export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  /** Assistant turns: the tool calls the model made (native tool calling). */
  toolCalls?: ToolCall[];
  /** Tool turns: the call this message answers (OpenAI `tool_call_id`). */
  toolCallId?: string;
  /** Tool turns: the tool that produced this result (Ollama `tool_name`). */
  toolName?: string;
}

/** One tool the model may call: a JSON-schema function definition. */
export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

/**
 * One call the model made. `arguments` is the raw JSON text as the model wrote it (Ollama sends an
 * object, which is serialised): the harness parses and validates it, so malformed arguments reach
 * the loop as text it can refuse, not as an exception inside the provider.
 */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** A JSON Schema the reply must follow (structured output); omitted for plain text. */
  format?: Record<string, unknown>;
  /** Provider options, passed through (Ollama: num_ctx, num_predict, temperature, keep_alive...). */
  options?: Record<string, unknown>;
  /** Tools the model may call (native tool calling); omitted for plain chat. */
  tools?: ToolDefinition[];
  /** Whole-call timeout in milliseconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The most reply text (UTF-16 units, and bytes of one stream line) accepted before the call is aborted; default DEFAULT_MAX_REPLY_BYTES. */
  maxReplyBytes?: number;
}

export interface ChatReply {
  content: string;
  model: string;
  tokensIn: number;
  tokensOut: number;
  durationMs: number;
  /** In-process engines (embedded): how long the model took to load (once per process). */
  loadMs?: number;
  /** In-process engines: output tokens per second of generation. */
  tokensPerSecond?: number;
  /** The tool calls of this reply, in order; absent or empty when the model answered in text. */
  toolCalls?: ToolCall[];
  /** Where the time went, as far as the server reports it (`bead models check`). */
  timings?: ReplyTimings;
}

/**
 * Milliseconds. `firstTokenMs` is measured here, from sending the request to the first reply
 * text; the rest are the server's own measurements (Ollama's load_duration, prompt_eval_duration
 * and eval_duration; llama-server's `timings`), absent when the server sends none.
 */
export interface ReplyTimings {
  firstTokenMs?: number;
  loadMs?: number;
  promptMs?: number;
  evalMs?: number;
}

export interface ModelInfo {
  name: string;
  /** Context length the server reports for the model, when it does. */
  contextLength?: number;
}

export interface Provider {
  readonly kind: "ollama" | "openai" | "builtin" | "embedded";
  /** The server this provider talks to (for locality decisions and logs); undefined for builtin. */
  readonly host: string | undefined;
  chat(request: ChatRequest): Promise<ChatReply>;
  /** Models the server has; throws ModelUnreachableError when the server does not answer. */
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
}
