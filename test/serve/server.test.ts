import { get } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { boardPaths } from "../../src/board/paths.js";
import { MAX_BODY_BYTES } from "../../src/serve/http.js";
import { redactCredentials } from "../../src/serve/api-models.js";
import { startServer, type RunningServer } from "../../src/serve/server.js";
import { runCli } from "../helpers/cli.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards, gitEnv, makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { httpRequest } from "./http-client.js";

const stops: AbortController[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) stop.abort();
  await cleanupTempBoards();
});

const ENV = { ...gitEnv(), BEAD_ACTOR: "tester <tester@example.test>" };
const FILES = {
  "beads/a.md": beadText(["title: First", "status: open", "priority: 1", "labels: [ui]"], "Body of **a**.\n"),
  "beads/b.md": beadText(["title: Second", "status: open", "priority: 2", "deps: [a]"], ""),
};

async function serve(board: TempBoard, extra: { host?: string; token?: string } = {}): Promise<RunningServer> {
  const controller = new AbortController();
  stops.push(controller);
  return startServer({ paths: boardPaths(board.dir), env: ENV, host: extra.host ?? "127.0.0.1", port: 0, signal: controller.signal, ...(extra.token ? { token: extra.token } : {}) });
}

async function writer(server: RunningServer) {
  const session = JSON.parse((await httpRequest(`${server.url}api/session`)).body) as { csrf: string };
  const origin = `http://127.0.0.1:${server.port}`;
  return (path: string, body: unknown, headers: Record<string, string> = {}) =>
    httpRequest(`${server.url}${path.slice(1)}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin, "x-csrf-token": session.csrf, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
}

async function cards(server: RunningServer): Promise<Array<{ id: string; column: string; version: string }>> {
  return (JSON.parse((await httpRequest(`${server.url}api/board`)).body) as { cards: Array<{ id: string; column: string; version: string }> }).cards;
}

/** Open /api/events, run `act` once the stream says hello, resolve with the text up to the first `board` event. */
function listen(server: RunningServer, act: () => void): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    get(`${server.url}api/events`, (res) => {
      let text = "";
      let acted = false;
      res.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
        if (!acted && text.includes("event: hello")) {
          acted = true;
          act();
        }
        if (text.includes("event: board")) {
          res.destroy();
          resolve(text);
        }
      });
    }).on("error", reject);
  });
}

describe("bead serve: reads", () => {
  it("serves the page under a strict policy and the board as JSON, blocked-by-deps shown as blocked", async () => {
    const board = await makeTempBoard(FILES);
    const server = await serve(board);
    const page = await httpRequest(server.url);
    expect(page.status).toBe(200);
    expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(page.body).not.toMatch(/<script>(?!<)/);
    expect((await cards(server)).map((card) => [card.id, card.column])).toEqual([["a", "open"], ["b", "blocked"]]);
    const bead = JSON.parse((await httpRequest(`${server.url}api/bead/b`)).body) as { deps: Array<{ id: string }>; history: unknown[] };
    expect(bead.deps.map((dep) => dep.id)).toEqual(["a"]);
    expect(bead.history).toHaveLength(1);
    const a = JSON.parse((await httpRequest(`${server.url}api/bead/a`)).body) as { dependents: Array<{ id: string }>; bodyHtml: string };
    expect(a.dependents.map((dep) => dep.id)).toEqual(["b"]);
    expect(a.bodyHtml).toBe("<p>Body of <strong>a</strong>.</p>");
    expect((await httpRequest(`${server.url}api/bead/..%2Fsecret`)).status).toBe(400);
    expect((await httpRequest(`${server.url}api/bead/zzz`)).status).toBe(404);
  });

  it("tells an open page over SSE when a ref moves (a commit that touches no bead file)", async () => {
    const board = await makeTempBoard(FILES);
    const server = await serve(board);
    const heard = listen(server, () => board.git(["commit", "-q", "--allow-empty", "-m", "elsewhere"]));
    expect(await heard).toContain("event: board");
  });

  it("tells an open page over SSE when a file is saved by hand", async () => {
    const board = await makeTempBoard(FILES);
    const server = await serve(board);
    const heard = new Promise<string>((resolve, reject) => {
      void import("node:http").then(({ get }) => {
        get(`${server.url}api/events`, (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => {
            text += chunk.toString("utf8");
            if (text.includes("event: hello")) board.write("beads/c.md", beadText(["title: Third", "status: open"], ""));
            if (text.includes("event: board")) {
              res.destroy();
              resolve(text);
            }
          });
        }).on("error", reject);
      });
    });
    expect(await heard).toContain("event: board");
    expect((await cards(server)).map((card) => card.id)).toContain("c");
  });
});

describe("bead serve: writes", () => {
  it("a status change commits the same bytes and message as `bead close`", async () => {
    const board = await makeTempBoard(FILES);
    const twin = await makeTempBoard(FILES);
    const server = await serve(board);
    const post = await writer(server);
    const version = (await cards(server)).find((card) => card.id === "a")?.version ?? "";
    const answer = await post("/api/bead/a/status", { version, status: "done" });
    expect(answer.status).toBe(200);
    expect((await runCli(["close", "a"], { cwd: twin.dir, env: ENV })).code).toBe(0);
    const stamp = (text: string) => text.replace(/updated: .*/, "updated: <time>");
    expect(stamp(board.read("beads/a.md"))).toBe(stamp(twin.read("beads/a.md")));
    expect(stamp(board.read("beads/a.md"))).toContain("status: done");
    const log = (b: TempBoard) => b.git(["show", "--name-only", "--format=%s|%an", "HEAD"]);
    expect(log(board)).toBe(log(twin));
    expect(board.git(["status", "--porcelain"])).toBe("");
  });

  it("refuses an edit made on a stale view with 409, and writes nothing", async () => {
    const board = await makeTempBoard(FILES);
    const server = await serve(board);
    const post = await writer(server);
    const bead = JSON.parse((await httpRequest(`${server.url}api/bead/a`)).body) as { version: string };
    board.write("beads/a.md", FILES["beads/a.md"].replace("First", "First, renamed by hand"));
    const before = board.read("beads/a.md");
    const head = board.git(["rev-parse", "HEAD"]);
    const answer = await post("/api/bead/a/body", { version: bead.version, body: "overwrite" });
    expect(answer.status).toBe(409);
    expect(JSON.parse(answer.body).code).toBe("E_CONFLICT");
    expect(board.read("beads/a.md")).toBe(before);
    expect(board.git(["rev-parse", "HEAD"])).toBe(head);
  });

  it("refuses state changes without the CSRF token, from another origin or site, to another Host, or too large", async () => {
    const board = await makeTempBoard(FILES);
    const server = await serve(board);
    const post = await writer(server);
    const version = (await cards(server))[0]?.version ?? "";
    const body = { version, status: "done" };
    expect((await post("/api/bead/a/status", body, { "x-csrf-token": "wrong" })).status).toBe(403);
    expect((await post("/api/bead/a/status", body, { origin: "http://evil.example" })).status).toBe(403);
    expect((await post("/api/bead/a/status", body, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await post("/api/bead/a/status", body, { host: "evil.example:80" })).status).toBe(421);
    expect((await post("/api/bead/a/status", body, { "content-type": "text/plain" })).status).toBe(415);
    expect((await post("/api/beads", JSON.stringify({ title: "x".repeat(10), body: "y".repeat(MAX_BODY_BYTES) }))).status).toBe(413);
    const noOrigin = await httpRequest(`${server.url}api/bead/a/status`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(noOrigin.status).toBe(403);
    expect(board.read("beads/a.md")).toBe(FILES["beads/a.md"]);
    expect(board.git(["log", "--oneline"]).trim().split("\n")).toHaveLength(1);
  });

  it("creates a bead, adds a dependency (refusing a cycle) and records an escalation decision", async () => {
    const board = await makeTempBoard(FILES);
    const server = await serve(board);
    const post = await writer(server);
    const created = await post("/api/beads", { title: "From the page", priority: 0, labels: ["web"], body: "Hello." });
    expect(created.status).toBe(201);
    const { id } = JSON.parse(created.body) as { id: string };
    expect(board.read(`beads/${id}.md`)).toMatch(/^---\ntitle: From the page\nstatus: open\npriority: 0\ntype: task\nlabels: \[web\]\ncreated: .*\n---\nHello.\n$/);
    expect(board.git(["log", "-1", "--format=%s"]).trim()).toBe(`new ${id}: From the page`);
    const a = JSON.parse((await httpRequest(`${server.url}api/bead/a`)).body) as { version: string };
    const cycle = await post("/api/bead/a/deps", { version: a.version, blocker: "b" });
    expect(cycle.status).toBe(400);
    expect(JSON.parse(cycle.body).error).toContain("cycle");
    expect((await post("/api/bead/a/escalation", { version: a.version, decision: "approved" })).status).toBe(200);
    expect(board.read("beads/a.md")).toContain("escalation: approved");
    expect((await post("/api/bead/a/fields", { version: "f:0", fields: { claimed_by: "me" } })).status).toBe(400);
  });

  it("merges a done bead's branch as `bead merge` does, refusing a branch that moved and a conflict with nothing changed", async () => {
    const board = await makeTempBoard({ ...FILES, "notes.txt": "one\n" });
    const main = board.git(["rev-parse", "--abbrev-ref", "HEAD"]).trim();
    const workOn = (id: string, text: string) => {
      board.git(["checkout", "-q", "-b", `bead/${id}`]);
      board.write("notes.txt", text);
      board.git(["commit", "-qam", `${id}: work`]);
      board.git(["checkout", "-q", main]);
      return board.git(["rev-parse", `bead/${id}`]).trim();
    };
    const headA = workOn("a", "one\ntwo\n");
    const headB = workOn("b", "uno\n");
    const server = await serve(board);
    const post = await writer(server);

    const moved = await post("/api/bead/a/merge", { head: headB });
    expect(moved.status).toBe(409);
    expect(JSON.parse(moved.body).error).toContain("moved since you looked");
    expect((await post("/api/bead/a/merge", { head: "not-a-commit" })).status).toBe(400);
    expect(board.git(["rev-parse", "bead/a"]).trim()).toBe(headA);

    const merged = await post("/api/bead/a/merge", { head: headA });
    expect(merged.status).toBe(200);
    expect(JSON.parse(merged.body)).toMatchObject({ kind: "fast-forward", branch: "bead/a", files: ["notes.txt"], recorded: headA, branchKept: null });
    expect(board.read("notes.txt")).toBe("one\ntwo\n");
    expect(board.read("beads/a.md")).toContain(`merged: ${headA}`);
    expect(board.git(["branch", "--list", "bead/a"]).trim()).toBe("");
    expect(board.git(["status", "--porcelain"])).toBe("");

    // bead/b changed the same line from the old base: a conflict, refused, nothing moved.
    const before = board.git(["rev-parse", "HEAD"]).trim();
    const conflict = await post("/api/bead/b/merge", { head: headB });
    expect(conflict.status).toBe(409);
    expect(JSON.parse(conflict.body)).toMatchObject({ code: "E_CONFLICT" });
    expect(JSON.parse(conflict.body).error).toContain("notes.txt");
    expect(board.git(["rev-parse", "HEAD"]).trim()).toBe(before);
    expect(board.git(["rev-parse", "bead/b"]).trim()).toBe(headB);
    expect(board.git(["status", "--porcelain"])).toBe("");
  });
});

describe("bead serve: --host and token", () => {
  it("refuses another address without a token", async () => {
    const board = await makeTempBoard(FILES);
    await expect(serve(board, { host: "0.0.0.0" })).rejects.toThrow(/--token/);
  });

  it("needs the token once, swaps it for an HttpOnly cookie, and never sends it to the page", async () => {
    const board = await makeTempBoard(FILES);
    const token = "a-long-enough-token-0123456789";
    const server = await serve(board, { host: "127.0.0.2", token });
    const host = { host: `127.0.0.2:${server.port}` };
    expect((await httpRequest(`${server.url}api/board`, { headers: host })).status).toBe(401);
    expect((await httpRequest(`${server.url}?token=wrong`, { headers: host })).status).toBe(401);
    const swap = await httpRequest(`${server.url}?token=${token}`, { headers: host });
    expect(swap.status).toBe(303);
    const cookie = String(swap.headers["set-cookie"]).split(";")[0] ?? "";
    expect(String(swap.headers["set-cookie"])).toContain("HttpOnly");
    expect(cookie).not.toContain(token);
    for (const path of ["", "api/session", "api/board", "app.js"]) {
      const answer = await httpRequest(`${server.url}${path}`, { headers: { ...host, cookie } });
      expect(answer.status).toBe(200);
      expect(answer.body).not.toContain(token);
    }
    // People reach a --host board by a name of the machine: any Host, as long as the cookie is shown.
    expect((await httpRequest(`${server.url}api/board`, { headers: { host: `board.lan:${server.port}`, cookie } })).status).toBe(200);
    expect((await httpRequest(`${server.url}api/board`, { headers: { host: `board.lan:${server.port}` } })).status).toBe(401);
    const { csrf } = JSON.parse((await httpRequest(`${server.url}api/session`, { headers: { ...host, cookie } })).body) as { csrf: string };
    const write = (origin: string) =>
      httpRequest(`${server.url}api/beads`, { method: "POST", headers: { ...host, cookie, origin, "x-csrf-token": csrf, "content-type": "application/json" }, body: JSON.stringify({ title: "via token" }) });
    expect((await write("http://board.lan:1")).status).toBe(403);
    expect((await write(`http://127.0.0.2:${server.port}`)).status).toBe(201);
  });
});

describe("bead serve: agents and numbers", () => {
  it("shows each agent's model, locality, holdings and last error, and never its host URL", async () => {
    const board = await makeTempBoard({
      ...FILES,
      "beads/c.md": beadText(["title: C", "status: claimed", "claimed_by: cloud@box", "lease_until: '2099-01-01T00:00:00Z'"], ""),
      "agents/cloud.md": "---\nname: cloud\nprovider: openai\nmodel: big\nhost: https://user:secret-in-url@api.example.com/v1\n---\nPrompt.\n",
    });
    board.write(".git/beadboard/metrics.jsonl", `${JSON.stringify({ ts: "2026-01-01T00:00:00Z", event: "failed", agent: "cloud", bead: "a", reason: "model said no" })}\n${JSON.stringify({ ts: "2026-01-01T00:01:00Z", event: "guardrail", agent: "cloud", reason: "prompt exceeds num_ctx" })}\n`);
    const server = await serve(board);
    const answer = await httpRequest(`${server.url}api/agents`);
    expect(answer.body).not.toContain("secret-in-url");
    const { agents } = JSON.parse(answer.body) as { agents: Array<Record<string, unknown>> };
    expect(agents).toEqual([
      expect.objectContaining({ name: "cloud", model: "big", locality: "remote", holding: [expect.objectContaining({ id: "c", expired: false })], lastError: expect.objectContaining({ event: "guardrail", reason: "prompt exceeds num_ctx" }) }),
    ]);
    const stats = JSON.parse((await httpRequest(`${server.url}api/stats`)).body) as { beads: { failed: number }; guardrails: number };
    expect(stats.beads.failed).toBe(1);
    expect(stats.guardrails).toBe(1);
  });
});

describe("bead serve: model servers", () => {
  it("runs doctor's agent checks on request and never shows credentials in a host URL", async () => {
    const { startOllamaDouble } = await import("../helpers/ollama-double.js");
    const double = await startOllamaDouble();
    try {
      const board = await makeTempBoard({
        ...FILES,
        "agents/good.md": `---\nname: good\nprovider: ollama\nmodel: qwen3:8b\nhost: ${double.url}\n---\nPrompt.\n`,
        "agents/missing.md": `---\nname: missing\nprovider: ollama\nmodel: nope:1b\nhost: ${double.url}\n---\nPrompt.\n`,
        "agents/secret.md": `---\nname: secret\nprovider: ollama\nmodel: qwen3:8b\nhost: ${double.url.replace("http://", "http://user:hunter2@")}\n---\nPrompt.\n`,
      });
      const server = await serve(board);
      const answer = await httpRequest(`${server.url}api/models`);
      expect(answer.body).not.toContain("hunter2");
      const { checks } = JSON.parse(answer.body) as { checks: Array<{ name: string; ok: boolean; detail: string }> };
      expect(checks.map((check) => [check.name, check.ok])).toEqual([["agent good", true], ["agent missing", false], ["agent secret", false]]);
      expect(checks[1]?.detail).toContain("no model nope:1b");
      expect(redactCredentials("at http://user:hunter2@host:1/x and https://tok@h/")).toBe("at http://host:1/x and https://h/");
    } finally {
      await double.close();
    }
  });
});

describe("bead serve on a synced board", () => {
  it("pushes each write from the page at once, as the CLI's writes are", async () => {
    const { startSyncRig, beadFile, TOKEN } = await import("../git/sync-support.js");
    const rig = await startSyncRig({ "beads/a.md": beadFile("First") });
    try {
      const clone = await rig.clone("a");
      const controller = new AbortController();
      stops.push(controller);
      const env = { ...ENV, BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0", BEAD_REMOTE_TIMEOUT_MS: "5000" };
      const server = await startServer({ paths: boardPaths(clone.dir), env, host: "127.0.0.1", port: 0, signal: controller.signal });
      const post = await writer(server);
      const version = (await cards(server)).find((card) => card.id === "a")?.version ?? "";
      expect((await post("/api/bead/a/status", { version, status: "done" })).status).toBe(200);
      expect(await rig.serverFile("beads/a.md")).toMatch(/^status: done$/m);
      const created = JSON.parse((await post("/api/beads", { title: "Made on the page" })).body) as { id: string };
      expect(await rig.serverFile(`beads/${created.id}.md`)).toContain("title: Made on the page");
    } finally {
      await rig.close();
    }
  });
});
