/**
 * `bead mcp --http`: Streamable HTTP on 127.0.0.1 with a bearer token. The SDK's own HTTP client
 * lists and calls tools with the token; without it, or with a wrong one, the answer is 401 and no
 * tool runs; a short token is refused at start. SIGTERM stops the server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { beadText } from "../helpers/beads.js";
import { gitEnv, makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { runBeadProcess } from "../helpers/cli.js";
import { assertBuilt, BEAD_BIN } from "./support.js";
import { boardPaths } from "../../src/board/paths.js";
import { serveHttp } from "../../src/mcp/http.js";
import { BOARD_COMMANDS } from "../../src/cli/mcp-server.js";

const TOKEN = "t0ken-for-the-http-test-0123456789";
let board: TempBoard;
let server: ChildProcess;
let url: URL;

beforeAll(async () => {
  assertBuilt();
  board = await makeTempBoard({ "beads/alpha.md": beadText(["title: Alpha"]) });
  server = spawn(process.execPath, [BEAD_BIN, "mcp", "--http", "0", "--as", "web"], { cwd: board.dir, env: { ...gitEnv(), BEAD_MCP_TOKEN: TOKEN, BEAD_HOST: "test" }, stdio: ["ignore", "ignore", "pipe"] });
  url = await new Promise<URL>((resolve, reject) => {
    let stderr = "";
    server.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stderr);
      if (match?.[1]) resolve(new URL(match[1]));
    });
    server.once("exit", (code) => reject(new Error(`bead mcp --http exited ${String(code)}: ${stderr}`)));
  });
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  await board?.cleanup();
});

describe("bead mcp --http", () => {
  it("serves tools to a client with the token", async () => {
    const client = new Client({ name: "http-test", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
    try {
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain("claim");
      const claimed = await client.callTool({ name: "claim", arguments: { id: "alpha" } });
      expect(claimed.structuredContent).toMatchObject({ holder: "web@test" });
      expect(board.git(["log", "-1", "--format=%s"]).trim()).toBe("claim alpha by web");
    } finally {
      await client.close();
    }
  });

  it("answers 401 without the token or with a wrong one, and runs nothing", async () => {
    const head = board.git(["rev-parse", "HEAD"]);
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } } });
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    expect((await fetch(url, { method: "POST", headers, body })).status).toBe(401);
    expect((await fetch(url, { method: "POST", headers: { ...headers, authorization: "Bearer wrong" }, body })).status).toBe(401);
    expect(board.git(["rev-parse", "HEAD"])).toBe(head);
  });

  it("refuses a request whose Host is not the loopback address (DNS rebinding), even with the token", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: "POST", headers: { host: `evil.example:${url.port}`, authorization: `Bearer ${TOKEN}`, "content-type": "application/json", accept: "application/json, text/event-stream" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.once("error", reject);
      req.end(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } } }));
    });
    expect(status).toBe(403);
  });

  it("refuses to start without a token of 16 characters or more", async () => {
    const run = await runBeadProcess(["mcp", "--http", "0"], { cwd: board.dir, env: { BEAD_MCP_TOKEN: "short" } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--http needs a token of at least 16 characters in BEAD_MCP_TOKEN/);
  });

  it("closes a session left idle past its time at the next request; a session in use stays", async () => {
    let now = 0;
    const stop = new AbortController();
    const bound = await new Promise<number>((resolve, reject) => {
      serveHttp({ paths: boardPaths(board.dir), env: { ...gitEnv(), BEAD_HOST: "test" }, commands: BOARD_COMMANDS, as: "idle", version: "test" }, 0, TOKEN, stop.signal, resolve, { now: () => now, idleMs: 1000 }).catch(reject);
    });
    const local = new URL(`http://127.0.0.1:${bound}/mcp`);
    const connect = async () => {
      const client = new Client({ name: "idle-test", version: "1" });
      const transport = new StreamableHTTPClientTransport(local, { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } });
      await client.connect(transport);
      return { client, transport };
    };
    try {
      const left = await connect();
      const used = await connect();
      now = 900;
      expect((await used.client.listTools()).tools.length).toBeGreaterThan(0);
      now = 1500; // `left` idle 1500 ms, `used` 600 ms
      const third = await connect();
      await expect(left.client.listTools()).rejects.toThrow(/404|unknown or expired session/);
      expect((await used.client.listTools()).tools.length).toBeGreaterThan(0);
      await third.client.close();
      await used.client.close();
    } finally {
      stop.abort();
    }
  });
});
