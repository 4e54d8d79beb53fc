import type { IncomingMessage, ServerResponse } from "node:http";
import { isBeadboardError, RequestRefusedError } from "../errors.js";

/** The largest request body `bead serve` reads: a bead body edit fits many times over. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Headers on every answer. The page loads only its own files: no inline script, no other origin,
 * no frames (clickjacking), no referrer (a URL never leaks to a link a bead's text holds).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "cache-control": "no-store",
};

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** The request's JSON body, at most MAX_BODY_BYTES; anything larger or not JSON is refused. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = req.headers["content-type"] ?? "";
  if (!type.startsWith("application/json")) throw new RequestRefusedError(415, "send the request body as application/json");
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > MAX_BODY_BYTES) throw new RequestRefusedError(413, `request body over ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RequestRefusedError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new RequestRefusedError(400, "the request body is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new RequestRefusedError(400, "the request body must be a JSON object");
  return value as Record<string, unknown>;
}

const STATUS_BY_CODE: Record<string, number> = {
  E_NOT_FOUND: 404,
  E_INVALID_ARGUMENT: 400,
  E_INVALID_ID: 400,
  E_PARSE: 400,
  E_CONFLICT: 409,
  E_UNSAVED_EDIT: 409,
  E_LOCK_TIMEOUT: 503,
};

/** Our errors become their HTTP status and their message; anything else is a 500 without details. */
export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof RequestRefusedError) return sendJson(res, error.status, { error: error.message, code: error.code });
  if (isBeadboardError(error)) return sendJson(res, STATUS_BY_CODE[error.code] ?? 500, { error: error.message, code: error.code });
  sendJson(res, 500, { error: "internal error (see the server's log)", code: "E_INTERNAL" });
}

/** A string field of a request body, or a clear refusal. */
export function stringField(body: Record<string, unknown>, key: string, maxLength = 10_000): string {
  const value = body[key];
  if (typeof value !== "string") throw new RequestRefusedError(400, `${key} must be a string`);
  if (value.length > maxLength) throw new RequestRefusedError(400, `${key} is longer than ${maxLength} characters`);
  return value;
}
