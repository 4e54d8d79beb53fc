/**
 * One model call's deadline, cancellation and error mapping, shared by the HTTP providers so
 * that Ollama and OpenAI-compatible servers fail the same way. The distinction that matters
 * downstream: ModelUnreachableError (nothing answered: the bead is released, not failed) versus
 * ModelError (the server answered, then failed, stalled or sent garbage).
 */
import { BeadboardError, ConfigError, ModelError, ModelUnreachableError } from "../errors.js";

/** listModels has no caller-given timeout; a server that has not answered by then is unreachable. */
export const LIST_TIMEOUT_MS = 15_000;

/** setTimeout's ceiling; used to switch off a client library's own deadline in favour of ours. */
export const NO_TIMEOUT_MS = 2_147_483_647;

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "ETIMEDOUT",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);

export interface CallOptions {
  host: string;
  model?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CallScope {
  /** Aborts on the caller's signal, on the deadline, and on dispose (which closes the connection). */
  readonly signal: AbortSignal;
  /** The server has answered (headers arrived): from now on a timeout is a stall, not unreachability. */
  responded(): void;
  /** Translates whatever the call threw into the product's errors (or the caller's abort reason). */
  fail(error: unknown): unknown;
  dispose(): void;
  /** The longest single stream line a provider's guard lets through (see ollama.ts). */
  maxLineBytes?: number;
}

export function openCall({ host, model, timeoutMs, signal }: CallOptions): CallScope {
  const controller = new AbortController();
  let timedOut = false;
  let answered = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          if (controller.signal.aborted) return;
          timedOut = true;
          controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
        }, timeoutMs);
  const onAbort = (): void => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });

  return {
    signal: controller.signal,
    responded() {
      answered = true;
    },
    fail(error) {
      if (error instanceof BeadboardError) return error;
      if (!timedOut && signal?.aborted) return abortReason(signal);
      const data: Record<string, unknown> = { host, ...(model === undefined ? {} : { model }) };
      if (timedOut) {
        return answered
          ? new ModelError(`model server ${host} timed out after ${timeoutMs} ms mid-reply`, { ...data, timeoutMs }, { cause: error })
          : new ModelUnreachableError(host, `no answer within ${timeoutMs} ms`, { cause: error });
      }
      return mapError(error, host, data, answered);
    },
    dispose() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (!controller.signal.aborted) controller.abort(new DOMException("call finished", "AbortError"));
    },
  };
}

/** Maps an error from an HTTP model client. `answered`: the server had already sent headers. */
/** Run one call in its own scope: its timeout and abort, its error mapping, and its cleanup. */
export async function withCall<T>(options: CallOptions, work: (scope: CallScope) => Promise<T>): Promise<T> {
  const scope = openCall(options);
  try {
    return await work(scope);
  } catch (error) {
    throw scope.fail(error);
  } finally {
    scope.dispose();
  }
}

export function mapError(error: unknown, host: string, data: Record<string, unknown>, answered: boolean): BeadboardError {
  if (error instanceof BeadboardError) return error;
  const status = httpStatusOf(error);
  if (status !== undefined) {
    return new ModelError(`model server ${host} answered ${status}: ${messageOf(error)}`, { ...data, status }, { cause: error });
  }
  const connection = connectionReason(error);
  if (connection !== undefined) {
    return answered
      ? new ModelError(`model server ${host} dropped the connection mid-reply: ${connection}`, data, { cause: error })
      : new ModelUnreachableError(host, connection, { cause: error });
  }
  if (error instanceof SyntaxError) {
    return new ModelError(`model server ${host} sent malformed JSON: ${error.message}`, data, { cause: error });
  }
  return new ModelError(`model server ${host} failed: ${messageOf(error)}`, data, { cause: error });
}

/** Reads a bearer token from the environment; a named but unset variable is a configuration error. */
export function readApiKey(apiKeyEnv: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (apiKeyEnv === undefined) return undefined;
  const key = env[apiKeyEnv];
  if (key === undefined || key === "") {
    throw new ConfigError(`the API key variable ${apiKeyEnv} is not set`, { apiKeyEnv });
  }
  return key;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/** The HTTP status of a client library's response error (ollama: status_code, openai: status). */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  for (const key of ["status_code", "status"]) {
    const value: unknown = Reflect.get(error, key);
    if (typeof value === "number" && value >= 100) return value;
  }
  return undefined;
}

/** A network-level failure anywhere in the cause chain (undici hides the socket error under "fetch failed"). */
function connectionReason(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  let fetchFailed = false;
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const code: unknown = Reflect.get(current, "code");
    if (typeof code === "string" && CONNECTION_CODES.has(code)) {
      const message = messageOf(current);
      return message.includes(code) ? message : `${code}: ${message}`;
    }
    if (current instanceof TypeError && current.message === "fetch failed") fetchFailed = true;
    queue.push(Reflect.get(current, "cause"));
    const errors: unknown = Reflect.get(current, "errors");
    if (Array.isArray(errors)) queue.push(...(errors as unknown[]));
  }
  return fetchFailed ? "fetch failed" : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A reply larger than this is a runaway server, not an answer (board setting max_reply_bytes). */
export const DEFAULT_MAX_REPLY_BYTES = 4 * 1024 * 1024;

/** The error that ends a call whose reply passed its cap; the stream is aborted with the call's scope. */
export function replyTooLarge(host: string, cap: number): ModelError {
  return new ModelError(`model server ${host} sent a reply over ${cap} bytes; the call was aborted (raise max_reply_bytes in .beadboard.yml if such replies are expected)`, { host, cap, bound: "max_reply_bytes" });
}
