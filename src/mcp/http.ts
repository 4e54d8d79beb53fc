/**
 * `bead mcp --http <port>`: the same server over MCP's Streamable HTTP, on 127.0.0.1 only, for
 * clients that cannot spawn a process. Every request carries `Authorization: Bearer <token>`
 * (the token from BEAD_MCP_TOKEN, compared in constant time); the Host header must name the
 * loopback address (DNS rebinding). One MCP server per session, as on stdio. A session nobody
 * used for `idleMs` (30 minutes) is closed at the next request, so clients that vanish without
 * closing (a killed editor) do not hold one of the MAX_SESSIONS slots for ever.
 */
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { buildMcpServer, type McpServeOptions } from "./server.js";

/** Sessions one process keeps at most: a client that opens sessions in a loop hits a bound, not the memory. */
const MAX_SESSIONS = 64;

export interface SessionClock {
  now(): number;
  idleMs: number;
}

const IDLE_SESSION: SessionClock = { now: () => Date.now(), idleMs: 30 * 60_000 };

export async function serveHttp(
  options: McpServeOptions,
  port: number,
  token: string,
  signal: AbortSignal,
  onListening: (port: number) => void,
  clock: SessionClock = IDLE_SESSION,
): Promise<void> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const lastUsed = new Map<string, number>();
  const closeIdle = async () => {
    const now = clock.now();
    for (const [sessionId, at] of lastUsed) {
      if (now - at < clock.idleMs) continue;
      lastUsed.delete(sessionId);
      const idle = sessions.get(sessionId);
      sessions.delete(sessionId);
      await idle?.close();
    }
  };
  const http = createServer((req, res) => {
    void (async () => {
      if (!authorized(req, token)) {
        res.writeHead(401, { "content-type": "text/plain" }).end("bead mcp: missing or wrong bearer token (BEAD_MCP_TOKEN)\n");
        return;
      }
      await closeIdle();
      const id = req.headers["mcp-session-id"];
      let transport = typeof id === "string" ? sessions.get(id) : undefined;
      if (!transport) {
        if (id !== undefined) {
          res.writeHead(404, { "content-type": "text/plain" }).end("bead mcp: unknown or expired session; start a new one\n");
          return;
        }
        if (sessions.size >= MAX_SESSIONS) {
          res.writeHead(503, { "content-type": "text/plain" }).end(`bead mcp: ${MAX_SESSIONS} sessions open; close one\n`);
          return;
        }
        const bound = (http.address() as AddressInfo).port;
        const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: randomUUID,
          onsessioninitialized: (sessionId) => {
            sessions.set(sessionId, created);
            lastUsed.set(sessionId, clock.now());
          },
          enableDnsRebindingProtection: true,
          allowedHosts: [`127.0.0.1:${bound}`, `localhost:${bound}`],
        });
        created.onclose = () => {
          if (created.sessionId) {
            sessions.delete(created.sessionId);
            lastUsed.delete(created.sessionId);
          }
        };
        await buildMcpServer(options).connect(created);
        transport = created;
      } else if (typeof id === "string") {
        lastUsed.set(id, clock.now());
      }
      await transport.handleRequest(req, res);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`bead mcp: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, "127.0.0.1", () => resolve());
  });
  onListening((http.address() as AddressInfo).port);
  await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  for (const transport of sessions.values()) await transport.close();
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
}

function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? "";
  const given = header.startsWith("Bearer ") ? header.slice(7) : "";
  // Hashes of equal length, so the comparison takes the same time whatever was sent.
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return given !== "" && timingSafeEqual(digest(given), digest(token));
}
