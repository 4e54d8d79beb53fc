/**
 * A test double of an Ollama server (native /api and the OpenAI-compatible /v1), in process on
 * 127.0.0.1. It plays scripted replies and records every request, so a test can prove what was
 * sent where. A protocol double for tests only: the product never ships it.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ServerLoad, type LoadStats, type ModelSpeed, type ServerLoadOptions } from "./model-load.js";
import { CREATED_AT, ollamaWire, openaiWire, type Timing, type Tokens } from "./double-wire.js";

/** Speed and size fields (model-load.ts) take effect when the double is started with `load`. */
export interface DoubleModel extends ModelSpeed {
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
  /**
   * Behave like a server under load (test/helpers/model-load.ts): load times, how many models fit,
   * parallel requests, token rates. Without it, every model answers at once with fixed durations.
   */
  load?: ServerLoadOptions;
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
  /** Loads, evictions and peaks seen under `load` (all zero without it). */
  loadStats(): LoadStats;
  close(): Promise<void>;
}

export const DEFAULT_MODELS: DoubleModel[] = [{ name: "qwen3:8b", contextLength: 40960 }];

export async function startOllamaDouble(options: OllamaDoubleOptions = {}): Promise<OllamaDouble> {
  const models = options.models ?? DEFAULT_MODELS;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const open = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const loaded = new Set<string>();
  const lastReply = new WeakMap<RecordedRequest, Reply>();
  let source: ReplySource = options.replies ?? [{ content: "ok" }];
  let taken = 0;
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => later(ms, resolve));
  const serverLoad = options.load ? new ServerLoad(options.load, sleep) : undefined;

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
    if (key === "GET /api/ps" && serverLoad) {
      const running = serverLoad.loadedModels().flatMap((name) => models.filter((m) => m.name === name));
      return sendJson(res, 200, { models: running.map(psEntryOf) });
    }
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
    lastReply.set(request, reply);
    const model = findModel(body.model);
    const run = (): void => {
      if (!open.has(res)) return; // the client hung up during delayMs
      if (reply.status !== undefined || reply.error !== undefined) {
        return sendError(res, v1, reply.status ?? 500, reply.error ?? `status ${reply.status ?? 500}`);
      }
      if (!model) return sendError(res, v1, 404, `model "${String(body.model)}" not found, try pulling it first`);
      loaded.add(model.name);
      const content = reply.content ?? "";
      // Ollama cuts a prompt longer than num_ctx and counts only what it kept.
      const numCtx = asRecord(body.options).num_ctx;
      const promptTokens = reply.promptTokens ?? Math.ceil(JSON.stringify(body.messages ?? []).length / 4);
      const tokens = {
        prompt: typeof numCtx === "number" && numCtx > 0 ? Math.min(promptTokens, numCtx) : promptTokens,
        eval: reply.evalTokens ?? Math.ceil(content.length / 4),
      };
      if (serverLoad) return void served(serverLoad, model, tokens, content, request, res, v1);
      void respond(reply, model, tokens, content, undefined, body, res, v1);
    };
    if (reply.holdUntil) void reply.holdUntil.then(run, run);
    else if (reply.delayMs) later(reply.delayMs, run);
    else run();
  }

  /** Under load: wait for the model and a slot, pace the reply, report the simulated durations. */
  async function served(load: ServerLoad, model: DoubleModel, tokens: Tokens, content: string, request: RecordedRequest, res: ServerResponse, v1: boolean): Promise<void> {
    const { loadMs, release } = await load.admit(model.name, model);
    res.on("close", release);
    if (!open.has(res)) return release();
    const times = load.timesFor(model, loadMs, tokens.prompt, tokens.eval);
    await load.wait(times.promptMs);
    const reply = { ...lastReply.get(request), chunks: Math.max(1, Math.min(tokens.eval, 64)) };
    void respond(reply, model, tokens, content, { times, pace: (ms) => load.wait(ms), reportsTimings: load.reportsTimings }, asRecord(request.body), res, v1).finally(release);
  }

  async function respond(reply: Reply, model: DoubleModel, tokens: Tokens, content: string, timing: Timing | undefined, body: Record<string, unknown>, res: ServerResponse, v1: boolean): Promise<void> {
    // Ollama streams unless told not to; the OpenAI API only when asked.
    const stream = v1 ? body.stream === true : body.stream !== false;
    const v1Times = timing?.reportsTimings === false ? undefined : timing?.times;
    const wire = v1 ? openaiWire(model.name, tokens, asRecord(body.stream_options).include_usage === true, v1Times) : ollamaWire(model.name, tokens, timing?.times);
    if (!stream) {
      await timing?.pace(timing.times.evalMs);
      if (!open.has(res)) return;
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(reply.malformed ? '{"message": {"content": "trunc' : JSON.stringify(wire.whole(content)));
    }
    res.writeHead(200, { "content-type": v1 ? "text/event-stream" : "application/x-ndjson" });
    res.flushHeaders(); // a stream that stalls at once has still answered
    const pieces = split(content, reply.chunks ?? 3);
    if (reply.malformed) return void res.end(wire.frame(wire.chunk(pieces[0] ?? "")) + wire.frame("{not json"));
    const stallAt = reply.stallAfterChunks;
    const streamStart = performance.now();
    for (const [i, piece] of pieces.entries()) {
      if (stallAt !== undefined && i >= stallAt) return; // hang: the response stays open
      // Tokens stream at the set rate: piece i is due at its share of the generation time (measured
      // from the start, so timer overshoot does not add up over the pieces).
      if (timing) await timing.pace(streamStart + ((i + 1) * timing.times.evalMs) / pieces.length - performance.now());
      if (!open.has(res)) return;
      res.write(wire.frame(wire.chunk(piece)));
    }
    if (stallAt !== undefined && stallAt >= pieces.length) return;
    if (reply.toolCalls !== undefined && reply.toolCalls.length > 0) res.write(wire.toolCalls(reply.toolCalls));
    res.end(wire.finish());
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
    loadStats: () => structuredClone(serverLoad?.stats ?? { loads: [], evictions: 0, peakInFlight: 0, peakModelsInFlight: 0 }),
    close: shutdown,
  };
}

function tagOf(model: DoubleModel): Record<string, unknown> {
  return {
    name: model.name,
    model: model.name,
    modified_at: CREATED_AT,
    size: model.size ?? 5_000_000_000,
    digest: "0".repeat(64),
    details: { parent_model: "", format: "gguf", family: familyOf(model), families: [familyOf(model)], parameter_size: "8B", quantization_level: "Q4_K_M" },
  };
}

function psEntryOf(model: DoubleModel): Record<string, unknown> {
  const size = model.size ?? 5_000_000_000;
  return { ...tagOf(model), size, size_vram: model.sizeVram ?? size, expires_at: "2099-01-01T00:00:00Z", context_length: model.contextLength ?? 4096 };
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
