/**
 * Push webhooks from Forgejo / Gitea (and GitHub-style senders): a push to the board's repository
 * triggers an immediate fetch instead of waiting for the next timed sync. Opt-in (`bead up
 * --webhook <port>`). Every request must carry an HMAC-SHA256 signature of its body made with the
 * shared secret (BEAD_WEBHOOK_SECRET), in X-Forgejo-Signature, X-Gitea-Signature (hex) or
 * X-Hub-Signature-256 (`sha256=<hex>`); anything else is answered 403 and logged.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigError } from "../errors.js";

export interface PushEvent {
  /** refs/heads/<branch>, when the payload says. */
  ref: string | null;
  /** The new tip. */
  after: string | null;
  /** owner/name of the repository. */
  repository: string | null;
  /** The sender's delivery id, for matching with its webhook log. */
  delivery: string | null;
}

export interface WebhookServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** Default "0.0.0.0": the git server is usually another machine. */
  host?: string;
  secret: string;
  /** Called for each verified push (to the branch, when `branch` is set). Calls never overlap: pushes arriving meanwhile are folded into one more call. */
  onPush: (event: PushEvent) => void | Promise<void>;
  /** Only pushes to this branch trigger onPush. */
  branch?: string;
  /** One line per rejected request or failed onPush; default: stderr. */
  log?: (line: string) => void;
  maxBodyBytes?: number;
}

export interface WebhookServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export const WEBHOOK_SECRET_ENV = "BEAD_WEBHOOK_SECRET";

/** The shared secret from BEAD_WEBHOOK_SECRET; a webhook without one would let anyone trigger fetches. */
export function webhookSecretFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env[WEBHOOK_SECRET_ENV];
  if (!secret) {
    throw new ConfigError(`--webhook needs a shared secret: set ${WEBHOOK_SECRET_ENV} to the secret entered in the repository's webhook settings`);
  }
  return secret;
}

export type SignatureCheck = "ok" | "missing" | "bad";

/** Check the body's HMAC-SHA256 against whichever signature header the sender used, in constant time. */
export function verifyWebhookSignature(body: Uint8Array, secret: string, headers: IncomingHttpHeaders): SignatureCheck {
  const header = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const hub = header("x-hub-signature-256");
  const given = header("x-forgejo-signature") ?? header("x-gitea-signature") ?? (hub?.startsWith("sha256=") ? hub.slice(7) : hub);
  if (!given) return "missing";
  const expected = Buffer.from(createHmac("sha256", secret).update(body).digest("hex"));
  const actual = Buffer.from(given.trim().toLowerCase());
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? "ok" : "bad";
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
  const trigger = coalesce(options.onPush, log);
  const server = createServer((req, res) => {
    handle(req, res, { ...options, log, maxBodyBytes, trigger }).catch((error: unknown) => {
      log(`webhook: ${(error as Error).message}`);
      if (!res.headersSent) reply(res, 500, "error");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    port,
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Handling extends WebhookServerOptions {
  log: (line: string) => void;
  maxBodyBytes: number;
  trigger: (event: PushEvent) => void;
}

async function handle(req: IncomingMessage, res: ServerResponse, options: Handling): Promise<void> {
  const from = req.socket.remoteAddress ?? "?";
  if (req.method !== "POST") return reply(res, 405, "POST only");
  const body = await readBody(req, options.maxBodyBytes);
  if (body === null) {
    options.log(`webhook: rejected a request from ${from}: body over ${options.maxBodyBytes} bytes`);
    return reply(res, 413, "too large");
  }
  // Form-encoded deliveries sign the JSON payload, not the form around it.
  const form = String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
  const json = form ? Buffer.from(new URLSearchParams(body.toString("utf8")).get("payload") ?? "", "utf8") : body;
  const check = verifyWebhookSignature(json, options.secret, req.headers);
  if (check !== "ok") {
    options.log(`webhook: rejected a request from ${from}: ${check === "missing" ? "no signature header" : "bad signature"} (check the secret in the webhook settings and ${WEBHOOK_SECRET_ENV})`);
    return reply(res, 403, "bad signature");
  }
  const eventName = String(req.headers["x-forgejo-event"] ?? req.headers["x-gitea-event"] ?? req.headers["x-github-event"] ?? "");
  if (eventName !== "push") return reply(res, 200, `ignored: ${eventName || "unknown"} event`);
  const event = pushEvent(json, req.headers);
  if (options.branch !== undefined && event.ref !== null && event.ref !== `refs/heads/${options.branch}`) {
    return reply(res, 200, `ignored: push to ${event.ref}`);
  }
  options.trigger(event);
  reply(res, 202, "fetching");
}

function pushEvent(json: Buffer, headers: IncomingHttpHeaders): PushEvent {
  let payload: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(json.toString("utf8"));
    if (typeof parsed === "object" && parsed !== null) payload = parsed as Record<string, unknown>;
  } catch {
    // A signed but unreadable payload still means "something was pushed": fetch anyway.
  }
  const repo = payload.repository as { full_name?: unknown } | undefined;
  const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
  const delivery = headers["x-forgejo-delivery"] ?? headers["x-gitea-delivery"] ?? headers["x-github-delivery"];
  return { ref: text(payload.ref), after: text(payload.after), repository: text(repo?.full_name), delivery: text(Array.isArray(delivery) ? delivery[0] : delivery) };
}

/** Run onPush one call at a time; pushes arriving during a call are folded into one more call. */
function coalesce(onPush: WebhookServerOptions["onPush"], log: (line: string) => void): (event: PushEvent) => void {
  let running = false;
  let pending: PushEvent | null = null;
  const run = async (event: PushEvent): Promise<void> => {
    running = true;
    try {
      await onPush(event);
    } catch (error) {
      log(`webhook: fetch after push failed: ${(error as Error).message}`);
    }
    running = false;
    const next = pending;
    pending = null;
    if (next) void run(next);
  };
  return (event) => {
    if (running) pending = event;
    else void run(event);
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(over ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
  res.end(`${text}\n`);
}
