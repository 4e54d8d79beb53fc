/**
 * A test double of an Ollama server (native /api and the OpenAI-compatible /v1), in process on
 * 127.0.0.1. It plays scripted replies and records every request, so a test can prove what was
 * sent where. A protocol double for tests only: the product never ships it.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface DoubleModel {
  name: string;
  contextLength?: number;
  /** Architecture prefix of the `model_info` keys; defaults to the name before the tag ("qwen3"). */
  family?: string;
}

export interface DoubleToolCall {
  name: string;
  /** An object is sent as the protocol sends it; a string is sent verbatim (malformed arguments). */
  arguments: Record<string, unknown> | string;
}

export interface Reply {
  content?: string;
  /** Tool calls after the content: one chunk (Ollama) or id/name then argument fragments (/v1). */
  toolCalls?: DoubleToolCall[];
  /** Split the content into this many stream chunks (default 3, fewer for short content). */
  chunks?: number;
  /** Wait this long before sending anything, headers included. */
  delayMs?: number;
  /** Send nothing, headers included, until this settles (a test decides when the call ends, no clock involved). */
  holdUntil?: Promise<unknown>;
  /** Send this many chunks, then hang until the client gives up. */
  stallAfterChunks?: number;
  /** HTTP error status; the body is `{error}` (Ollama) or `{error:{message}}` (/v1). */
  status?: number;
  error?: string;
  /** Send an invalid JSON line (after one good chunk when streaming). */
  malformed?: true;
  promptTokens?: number;
  evalTokens?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
}

export type ReplySource = Reply[] | ((request: RecordedRequest) => Reply);

export interface OllamaDoubleOptions {
  models?: DoubleModel[];
  replies?: ReplySource;
  /** Require `Authorization: Bearer <token>` on every request. */
  token?: string;
}

export interface OllamaDouble {
  /** `http://127.0.0.1:PORT`, stable across setDown(true)/setDown(false). */
  readonly url: string;
  readonly requests: RecordedRequest[];
  setReplies(replies: ReplySource): void;
  /** Down: stop listening and drop every connection, so connects are refused. Up: listen again. */
  setDown(down: boolean): Promise<void>;
  /** Responses started and not yet finished or dropped (a stalled reply counts until the client hangs up). */
  inFlight(): number;
  close(): Promise<void>;
}

export const DEFAULT_MODELS: DoubleModel[] = [{ name: "qwen3:8b", contextLength: 40960 }];

const CREATED_AT = "2025-01-01T00:00:00Z";

export async function startOllamaDouble(options: OllamaDoubleOptions = {}): Promise<OllamaDouble> {
  const models = options.models ?? DEFAULT_MODELS;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const open = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const loaded = new Set<string>();
  let source: ReplySource = options.replies ?? [{ content: "ok" }];
  let taken = 0;

  const nextReply = (request: RecordedRequest): Reply => {
    if (typeof source === "function") return source(request);
    const reply = source[Math.min(taken, source.length - 1)] ?? { content: "ok" };
    taken += 1;
    return reply;
  };
  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const findModel = (name: unknown): DoubleModel | undefined =>
    typeof name === "string" ? models.find((m) => m.name === name || m.name === `${name}:latest`) : undefined;

  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const recorded: RecordedRequest = { method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0] ?? "/", headers: req.headers, body: parseBody(text) };
      requests.push(recorded);
      open.add(res);
      res.on("close", () => open.delete(res));
      route(recorded, res);
    }, () => res.destroy()); // the client went away mid-upload
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  function route(request: RecordedRequest, res: ServerResponse): void {
    const v1 = request.path.startsWith("/v1/");
    if (options.token !== undefined && request.headers.authorization !== `Bearer ${options.token}`) {
      return sendError(res, v1, 401, "unauthorized");
    }
    const key = `${request.method} ${request.path}`;
    if (key === "GET /api/version") return sendJson(res, 200, { version: "0.12.0" });
    if (key === "GET /api/tags") return sendJson(res, 200, { models: models.map(tagOf) });
    if (key === "GET /api/ps") {
      const running = models.filter((m) => loaded.has(m.name));
      return sendJson(res, 200, { models: running.map((m) => ({ ...tagOf(m), expires_at: "2099-01-01T00:00:00Z", size_vram: 0 })) });
    }
    if (key === "POST /api/show") {
      const body = asRecord(request.body);
      const model = findModel(body.model ?? body.name);
      if (!model) return sendError(res, false, 404, `model '${String(body.model ?? body.name)}' not found`);
      return sendJson(res, 200, showOf(model));
    }
    if (key === "GET /v1/models") {
      return sendJson(res, 200, { object: "list", data: models.map((m) => ({ id: m.name, object: "model", created: 1735689600, owned_by: "library" })) });
    }
    if (key === "POST /api/chat" || key === "POST /v1/chat/completions") return chat(request, res, v1);
    res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found");
  }

  function chat(request: RecordedRequest, res: ServerResponse, v1: boolean): void {
    const body = asRecord(request.body);
    const reply = nextReply(request);
    const model = findModel(body.model);
    const run = (): void => {
      if (!open.has(res)) return; // the client hung up during delayMs
      if (reply.status !== undefined || reply.error !== undefined) {
        return sendError(res, v1, reply.status ?? 500, reply.error ?? `status ${reply.status ?? 500}`);
      }
      if (!model) return sendError(res, v1, 404, `model "${String(body.model)}" not found, try pulling it first`);
      loaded.add(model.name);
      const content = reply.content ?? "";
      const tokens = {
        prompt: reply.promptTokens ?? Math.ceil(JSON.stringify(body.messages ?? []).length / 4),
        eval: reply.evalTokens ?? Math.ceil(content.length / 4),
      };
      // Ollama streams unless told not to; the OpenAI API only when asked.
      const stream = v1 ? body.stream === true : body.stream !== false;
      const wire = v1 ? openaiWire(model.name, tokens, asRecord(body.stream_options).include_usage === true) : ollamaWire(model.name, tokens);
      if (!stream) {
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end(reply.malformed ? '{"message": {"content": "trunc' : JSON.stringify(wire.whole(content)));
      }
      res.writeHead(200, { "content-type": v1 ? "text/event-stream" : "application/x-ndjson" });
      res.flushHeaders(); // a stream that stalls at once has still answered
      const pieces = split(content, reply.chunks ?? 3);
      if (reply.malformed) return void res.end(wire.frame(wire.chunk(pieces[0] ?? "")) + wire.frame("{not json"));
      const stallAt = reply.stallAfterChunks;
      for (const [i, piece] of pieces.entries()) {
        if (stallAt !== undefined && i >= stallAt) return; // hang: the response stays open
        res.write(wire.frame(wire.chunk(piece)));
      }
      if (stallAt !== undefined && stallAt >= pieces.length) return;
      if (reply.toolCalls !== undefined && reply.toolCalls.length > 0) res.write(wire.toolCalls(reply.toolCalls));
      res.end(wire.finish());
    };
    if (reply.holdUntil) void reply.holdUntil.then(run, run);
    else if (reply.delayMs) later(reply.delayMs, run);
    else run();
  }

  let listening = false;
  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        listening = true;
        resolve();
      });
    });
  const shutdown = (): Promise<void> =>
    new Promise((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
    });

  await listen(0);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setReplies(replies) {
      source = replies;
      taken = 0;
    },
    async setDown(down) {
      if (down) await shutdown();
      else if (!listening) await listen(port);
    },
    inFlight: () => open.size,
    close: shutdown,
  };
}

type Tokens = { prompt: number; eval: number };
/** How one protocol frames a stream chunk, the end of a stream, and a whole (unstreamed) reply. */
type Wire = {
  frame(payload: unknown): string;
  chunk(piece: string): unknown;
  toolCalls(calls: DoubleToolCall[]): string;
  finish(): string;
  whole(content: string): unknown;
};

function ollamaWire(model: string, tokens: Tokens): Wire {
  const stats = { done: true, done_reason: "stop", total_duration: 1_000_000, load_duration: 100_000 };
  const counts = { prompt_eval_count: tokens.prompt, prompt_eval_duration: 200_000, eval_count: tokens.eval, eval_duration: 700_000 };
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

function openaiWire(model: string, tokens: Tokens, includeUsage: boolean): Wire {
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
      frame(delta(undefined, "stop")) + (includeUsage ? frame({ ...head, object: "chat.completion.chunk", choices: [], usage }) : "") + frame("[DONE]"),
    whole: (content) => ({
      ...head,
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
      usage,
    }),
  };
}

function tagOf(model: DoubleModel): Record<string, unknown> {
  return {
    name: model.name,
    model: model.name,
    modified_at: CREATED_AT,
    size: 5_000_000_000,
    digest: "0".repeat(64),
    details: { parent_model: "", format: "gguf", family: familyOf(model), families: [familyOf(model)], parameter_size: "8B", quantization_level: "Q4_K_M" },
  };
}

function showOf(model: DoubleModel): Record<string, unknown> {
  const family = familyOf(model);
  const info: Record<string, unknown> = { "general.architecture": family, "general.parameter_count": 8_000_000_000 };
  if (model.contextLength !== undefined) info[`${family}.context_length`] = model.contextLength;
  const fixed = { license: "", modelfile: `FROM ${model.name}`, parameters: "", template: "{{ .Prompt }}", modified_at: CREATED_AT };
  return { ...fixed, details: tagOf(model).details, model_info: info, capabilities: ["completion"] };
}

function familyOf(model: DoubleModel): string {
  return model.family ?? model.name.split(":")[0] ?? model.name;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function sendError(res: ServerResponse, v1: boolean, status: number, message: string): void {
  sendJson(res, status, v1 ? { error: { message, type: "api_error", param: null, code: null } } : { error: message });
}

function split(content: string, chunks: number): string[] {
  const n = Math.max(1, Math.min(chunks, content.length));
  const size = Math.ceil(content.length / n);
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) pieces.push(content.slice(i * size, (i + 1) * size));
  return pieces;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
