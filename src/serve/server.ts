import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LiveBoard } from "../board/live-board.js";
import type { BoardPaths } from "../board/paths.js";
import { writeContext, type WriteContext } from "../board/write.js";
import { pushAfterWrite } from "../claim/push-after-write.js";
import { InvalidArgumentError, RequestRefusedError } from "../errors.js";
import { bodyFromPage, createFromPage, depFromPage, escalationFromPage, setFromPage, statusFromPage } from "./api-act.js";
import { mergeFromPage } from "./api-merge.js";
import { agentsView, statsView } from "./api-agents.js";
import { beadView, boardView } from "./api-board.js";
import { modelsView } from "./api-models.js";
import { readJsonBody, SECURITY_HEADERS, sendError, sendJson } from "./http.js";
import { checkAccess, checkHost, checkWrite, makeGate, sessionCookieFor, type Gate } from "./security.js";
import { BoardEvents } from "./sse.js";
import { isStaticPath, sendStatic } from "./static.js";

export interface ServeOptions {
  paths: BoardPaths;
  env: NodeJS.ProcessEnv;
  host: string;
  /** 0: any free port. */
  port: number;
  /** Required unless `host` is loopback. */
  token?: string;
  signal: AbortSignal;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Resolves when the server has stopped (after `signal` aborts). */
  closed: Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/**
 * `bead serve`: the board as one page and a JSON API under /api/ that the page uses. Reads come
 * from the live board (file events); writes go through board/write.ts like the CLI's.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  if (!LOOPBACK.has(options.host) && (options.token === undefined || options.token.length < 16)) {
    throw new InvalidArgumentError(`--host ${options.host} makes the board reachable from other machines: give --token <at least 16 characters> too`);
  }
  const live = new LiveBoard(options.paths);
  const events = new BoardEvents(live, options.paths.gitdir);
  const ctx = writeContext(options.paths, options.env);
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 });
  let gate: Gate | undefined;
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (!gate) return sendError(res, new RequestRefusedError(503, "starting"));
    handle(req, res, gate, live, events, ctx, options.env).catch((error: unknown) => {
      // Bugs, and bounds hit (a body too large, too many open pages), go to the log; ordinary refusals do not.
      if (error instanceof RequestRefusedError && (error.status === 413 || error.status === 503)) options.log?.(`serve: bound hit: ${error.message}`);
      else if (!(error instanceof Error && "code" in error)) options.log?.(`serve: ${String(error instanceof Error ? error.stack : error)}`);
      sendError(res, error);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  gate = makeGate(options.host, port, options.token);
  events.start();
  await live.current(); // the first page load finds the board parsed
  const closed = new Promise<void>((resolve) => {
    const stop = () => {
      events.stop();
      live.unwatch();
      server.close(() => resolve());
      server.closeAllConnections();
    };
    if (options.signal.aborted) stop();
    else options.signal.addEventListener("abort", stop, { once: true });
  });
  const shown = options.host.includes(":") ? `[${options.host}]` : options.host;
  return { url: `http://${shown}:${port}/`, port, closed };
}

async function handle(req: IncomingMessage, res: ServerResponse, gate: Gate, live: LiveBoard, events: BoardEvents, ctx: WriteContext, env: NodeJS.ProcessEnv): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const cookie = req.method === "GET" && url.pathname === "/" ? sessionCookieFor(gate, url) : undefined;
  if (cookie !== undefined) {
    // Swap the token for a session cookie and drop it from the address bar (and the history).
    checkHost(gate, req);
    res.writeHead(303, { ...SECURITY_HEADERS, "set-cookie": cookie, location: "/" });
    res.end();
    return;
  }
  checkAccess(gate, req);
  const { pathname } = url;
  if (req.method === "GET" || req.method === "HEAD") {
    if (isStaticPath(pathname)) return sendStatic(res, pathname);
    if (pathname === "/api/session") return sendJson(res, 200, { csrf: gate.csrf });
    if (pathname === "/api/events") {
      if (!events.attach(res)) throw new RequestRefusedError(503, "too many open pages");
      return;
    }
    if (pathname === "/api/board") return sendJson(res, 200, boardView(await live.current()));
    if (pathname === "/api/agents") return sendJson(res, 200, agentsView(await live.current(), Date.now()));
    if (pathname === "/api/stats") return sendJson(res, 200, statsView(await live.current()));
    if (pathname === "/api/models") return sendJson(res, 200, await modelsView(live.paths, env));
    const bead = /^\/api\/bead\/([^/]+)$/.exec(pathname);
    if (bead) return sendJson(res, 200, await beadView(await live.current(), decodeURIComponent(bead[1] ?? "")));
    throw new RequestRefusedError(404, `nothing at ${pathname}`);
  }
  if (req.method !== "POST") throw new RequestRefusedError(405, "only GET and POST");
  checkWrite(gate, req);
  const body = await readJsonBody(req);
  const answer = await act(pathname, body, ctx, live, env);
  // On a synced board the page's writes are pushed like the CLI's; a failed push is logged, the commit stays.
  if (answer.changed) await pushAfterWrite(ctx.paths, env, (line) => process.stderr.write(`bead serve: ${line}\n`));
  return sendJson(res, answer.status, answer.body);
}

/** One state-changing request: which write it is, what it answers, and whether it committed anything. */
async function act(pathname: string, body: Record<string, unknown>, ctx: WriteContext, live: LiveBoard, env: NodeJS.ProcessEnv): Promise<{ status: number; body: unknown; changed: boolean }> {
  const done = (result: { changed: boolean }) => ({ status: 200, body: result, changed: result.changed });
  if (pathname === "/api/beads") return { status: 201, body: await createFromPage(ctx, body), changed: true };
  const action = /^\/api\/bead\/([^/]+)\/(fields|status|escalation|body|deps|merge)$/.exec(pathname);
  if (!action) throw new RequestRefusedError(404, `nothing at ${pathname}`);
  const id = decodeURIComponent(action[1] ?? "");
  switch (action[2]) {
    case "fields":
      return done(await setFromPage(ctx, id, body));
    case "status":
      return done(await statusFromPage(ctx, id, body));
    case "escalation":
      return done(await escalationFromPage(ctx, id, body));
    case "body":
      return done(await bodyFromPage(ctx, id, body));
    case "merge":
      return done(await mergeFromPage(ctx, env, id, body));
    default:
      return done(await depFromPage(ctx, await live.current(), id, body));
  }
}
