/**
 * A real smart-HTTP git server for tests: a small Node HTTP server on 127.0.0.1 in front of
 * system git's `git http-backend` (CGI), with Basic auth shaped like Forgejo's tokens, so
 * clones push and fetch exactly as they would against Forgejo. Test-only code.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gitEnv, runGit } from "./temp-board.js";

export interface GitServerRequest {
  method: string;
  path: string;
  status: number;
}

export interface CreateRepoOptions {
  /** Path of a non-bare repo whose `branch` is pushed (by file path) as initial content. */
  from?: string;
  /** Default "main". */
  branch?: string;
  /**
   * Default true. Forgejo allows force-pushes to unprotected branches, but the product never
   * force-pushes (§5), so the double refuses them: a non-fast-forward reaching it is a bug.
   */
  denyNonFastForwards?: boolean;
}

export interface GitServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** `${url}/${name}.git` */
  repoUrl(name: string): string;
  createRepo(name: string, opts?: CreateRepoOptions): Promise<string>;
  barePath(name: string): string;
  requests: GitServerRequest[];
  /** While down, incoming sockets (and open keep-alive ones) are destroyed at once. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export interface GitServerOptions {
  /** When set, every request needs `Authorization: Basic base64(user:token)`. */
  token?: string;
  /** When set with token, the user name must match too; otherwise any user name passes. */
  user?: string;
}

const REALM = "beadboard-test-git";

function repoDirName(name: string): string {
  const base = name.endsWith(".git") ? name : `${name}.git`;
  if (!/^[A-Za-z0-9._-]+\.git$/.test(base) || base.startsWith(".")) {
    throw new Error(`invalid repo name: ${name}`);
  }
  return base;
}

/** Returns the authenticated user name, or null when the request must be refused. */
function authenticate(req: IncomingMessage, opts: GitServerOptions): string | null {
  const header = req.headers.authorization ?? "";
  const m = /^Basic\s+(\S+)$/i.exec(header);
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (password !== opts.token) return null;
  if (opts.user !== undefined && user !== opts.user) return null;
  return user || "token";
}

/** Splits a CGI response head ("Status: 200 OK\r\nContent-Type: ...") into status and headers. */
function parseCgiHead(head: string): { status: number; headers: Array<[string, string]> } {
  let status = 200;
  const headers: Array<[string, string]> = [];
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 500;
    else headers.push([name, value]);
  }
  return { status, headers };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function findHeadEnd(buf: Buffer): { end: number; sep: number } | null {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { end: crlf, sep: 4 };
  if (lf >= 0) return { end: lf, sep: 2 };
  return null;
}

export async function startGitServer(opts: GitServerOptions = {}): Promise<GitServer> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "beadboard-gitsrv-")));
  const requests: GitServerRequest[] = [];
  const sockets = new Set<Socket>();
  const children = new Set<ChildProcess>();
  let down = false;

  const barePath = (name: string): string => join(root, repoDirName(name));

  function runBackend(req: IncomingMessage, res: ServerResponse, url: URL, user: string | null): void {
    const env: NodeJS.ProcessEnv = {
      ...gitEnv(),
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      GIT_HTTP_MAX_REQUEST_BUFFER: "1000M",
      GATEWAY_INTERFACE: "CGI/1.1",
      SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: safeDecode(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ""),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    };
    if (user !== null) env.REMOTE_USER = user;
    // Without Content-Length (chunked, as the git CLI sends large pushes) http-backend
    // reads its stdin to EOF, which is what piping the decoded body gives it.
    const length = req.headers["content-length"];
    if (length !== undefined) env.CONTENT_LENGTH = length;
    // CGI passes request headers as HTTP_*: http-backend needs HTTP_CONTENT_ENCODING (gzip
    // bodies from the git CLI) and HTTP_GIT_PROTOCOL (protocol v2).
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value !== "string") continue;
      const key = `HTTP_${name.toUpperCase().replace(/-/g, "_")}`;
      if (key !== "HTTP_AUTHORIZATION") env[key] = value;
    }

    const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
    children.add(child);
    child.on("close", () => children.delete(child));
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => (stderr += d));
    child.stdin.on("error", () => {
      /* the backend may exit before reading a body it refuses; the response says why */
    });
    req.pipe(child.stdin);

    let head: Buffer = Buffer.alloc(0);
    let headDone = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (headDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const at = findHeadEnd(head);
      if (!at) return;
      headDone = true;
      const { status, headers } = parseCgiHead(head.subarray(0, at.end).toString("latin1"));
      res.statusCode = status;
      for (const [name, value] of headers) res.setHeader(name, value);
      const rest = head.subarray(at.end + at.sep);
      if (rest.length > 0) res.write(rest);
    });
    child.on("error", (err) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(`git http-backend failed to start: ${err.message}\n`);
    });
    child.on("close", (code) => {
      if (!headDone && !res.headersSent) {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(`git http-backend exited ${String(code)} without a response: ${stderr}\n`);
        return;
      }
      res.end();
    });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    res.on("finish", () => {
      requests.push({ method: req.method ?? "GET", path: url.pathname + url.search, status: res.statusCode });
    });

    let user: string | null = null;
    if (opts.token !== undefined) {
      user = authenticate(req, opts);
      if (user === null) {
        req.resume();
        res.writeHead(401, {
          "WWW-Authenticate": `Basic realm="${REALM}"`,
          "Content-Type": "text/plain",
        });
        res.end("Unauthorized\n");
        return;
      }
    }

    const repo = /^\/([^/]+)\//.exec(url.pathname)?.[1];
    let exists = false;
    try {
      exists = repo !== undefined && existsSync(join(barePath(repo), "HEAD"));
    } catch {
      exists = false;
    }
    if (!exists) {
      req.resume();
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("Not found\n");
      return;
    }
    runBackend(req, res, url, user);
  });

  server.on("connection", (socket: Socket) => {
    if (down) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    requests,
    barePath,
    repoUrl: (name) => `${url}/${repoDirName(name)}`,
    async createRepo(name, repoOpts = {}) {
      const branch = repoOpts.branch ?? "main";
      const bare = barePath(name);
      await runGit(root, ["init", "-q", "--bare", "-b", branch, bare]);
      await runGit(bare, ["config", "http.receivepack", "true"]);
      const deny = repoOpts.denyNonFastForwards ?? true;
      await runGit(bare, ["config", "receive.denyNonFastForwards", String(deny)]);
      if (repoOpts.from !== undefined) {
        await runGit(repoOpts.from, ["push", "-q", bare, `${branch}:refs/heads/${branch}`]);
      }
      return bare;
    },
    setDown(value) {
      down = value;
      // Clients keep sockets alive (Node 20's global agent does); an outage must cut them too.
      if (down) for (const s of sockets) s.destroy();
    },
    async close() {
      for (const child of children) child.kill("SIGKILL");
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
}
