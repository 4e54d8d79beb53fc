// A real smart-HTTP git server for the sync benchmark (bench/sync.js): a small Node HTTP server
// on 127.0.0.1 in front of the system git's `git http-backend` (CGI), with Basic auth shaped like
// Forgejo's tokens (any user name, the token as password), so clones push and fetch exactly as
// they would against Forgejo. A plain-JS port of test/helpers/git-server.ts, for bench use only.
//
//   const server = await startGitHttp({ token });
//   await server.createRepo("board", { from: "/path/to/repo" });   // pushes its main
//   server.repoUrl("board")  // http://127.0.0.1:<port>/board.git
//   await server.close();
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

const REALM = "beadboard-bench-git";

/** Variables that would point git at another repository if inherited. */
const REPO_REDIRECTING_VARS = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES"];

/**
 * Environment for the git CLI: no inherited repo redirection or config overrides, plus our own
 * overrides (no signing, no line-ending conversion, and any `extra` [key, value] pairs, e.g.
 * http.extraHeader for auth) passed as GIT_CONFIG_COUNT, so nothing is written to a config file.
 */
export function gitEnv(extra = [], base = process.env) {
  const env = { ...base };
  for (const key of REPO_REDIRECTING_VARS) delete env[key];
  for (const key of Object.keys(env)) if (key.startsWith("GIT_CONFIG_")) delete env[key];
  const config = [["commit.gpgsign", "false"], ["tag.gpgsign", "false"], ["core.autocrlf", "false"], ...extra];
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  env.GIT_CONFIG_COUNT = String(config.length);
  env.GIT_TERMINAL_PROMPT = "0";
  return env;
}

function repoDirName(name) {
  const base = name.endsWith(".git") ? name : `${name}.git`;
  if (!/^[A-Za-z0-9._-]+\.git$/.test(base) || base.startsWith(".")) throw new Error(`invalid repo name: ${name}`);
  return base;
}

/** The authenticated user name, or null when the request must be refused. */
function authenticate(req, token, user) {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!m) return null;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  const name = decoded.slice(0, colon);
  if (decoded.slice(colon + 1) !== token) return null;
  if (user !== undefined && name !== user) return null;
  return name || "token";
}

/** Splits a CGI response head ("Status: 200 OK\r\nContent-Type: ...") into status and headers. */
function parseCgiHead(head) {
  let status = 200;
  const headers = [];
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

function findHeadEnd(buf) {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { end: crlf, sep: 4 };
  if (lf >= 0) return { end: lf, sep: 2 };
  return null;
}

function safeDecode(path) {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Start the server. `token`: every request needs `Authorization: Basic base64(user:token)`
 * (with `user`, the user name must match too). Counts requests by status in `stats`.
 */
export async function startGitHttp({ token, user } = {}) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "beadboard-bench-gitsrv-")));
  const stats = { requests: 0, byStatus: {}, backendMs: 0 };
  const sockets = new Set();
  const children = new Set();
  const barePath = (name) => join(root, repoDirName(name));
  const baseEnv = gitEnv();

  function runBackend(req, res, url, name) {
    const env = {
      ...baseEnv,
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
    if (name !== null) env.REMOTE_USER = name;
    // Without Content-Length (chunked, as the git CLI sends large pushes) http-backend reads
    // its stdin to EOF, which is what piping the decoded body gives it.
    if (req.headers["content-length"] !== undefined) env.CONTENT_LENGTH = req.headers["content-length"];
    // Request headers as HTTP_*: http-backend needs HTTP_CONTENT_ENCODING (gzip bodies from the
    // git CLI) and HTTP_GIT_PROTOCOL (protocol v2).
    for (const [header, value] of Object.entries(req.headers)) {
      if (typeof value !== "string") continue;
      const key = `HTTP_${header.toUpperCase().replace(/-/g, "_")}`;
      if (key !== "HTTP_AUTHORIZATION") env[key] = value;
    }
    const started = performance.now();
    const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
    children.add(child);
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.on("error", () => undefined); // the backend may exit before reading a body it refuses
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headDone = false;
    child.stdout.on("data", (chunk) => {
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
      for (const [header, value] of headers) res.setHeader(header, value);
      const rest = head.subarray(at.end + at.sep);
      if (rest.length > 0) res.write(rest);
    });
    child.on("error", (err) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(`git http-backend failed to start: ${err.message}\n`);
    });
    child.on("close", (code) => {
      children.delete(child);
      stats.backendMs += performance.now() - started;
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
      stats.requests++;
      stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] ?? 0) + 1;
    });
    let name = null;
    if (token !== undefined) {
      name = authenticate(req, token, user);
      if (name === null) {
        req.resume();
        res.writeHead(401, { "WWW-Authenticate": `Basic realm="${REALM}"`, "Content-Type": "text/plain" });
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
    runBackend(req, res, url, name);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  const git = (cwd, args) => execFileSync("git", args, { cwd, env: baseEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });

  return {
    url,
    root,
    stats,
    barePath,
    repoUrl: (name) => `${url}/${repoDirName(name)}`,
    /** A bare repo; `from`: a non-bare repo whose `branch` is pushed into it (by path, not HTTP). */
    createRepo(name, { from, branch = "main", denyNonFastForwards = true } = {}) {
      const bare = barePath(name);
      git(root, ["init", "-q", "--bare", "-b", branch, bare]);
      git(bare, ["config", "http.receivepack", "true"]);
      // The product never force-pushes (DESIGN §5): a non-fast-forward reaching the server is a bug.
      git(bare, ["config", "receive.denyNonFastForwards", String(denyNonFastForwards)]);
      git(bare, ["config", "gc.auto", "0"]);
      if (from !== undefined) git(from, ["push", "-q", bare, `${branch}:refs/heads/${branch}`]);
      return bare;
    },
    async close() {
      for (const child of children) child.kill("SIGKILL"); // only the backends this server started
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
}
