/**
 * `provider: exec` through the worker, the ways out other than done: the agent's timeout, the
 * worker's stop, a flood of output, the board's secrets, a remote harness and board-private files.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadAgents } from "../../src/agent/load.js";
import { buildRegistry } from "../../src/agent/registry.js";
import { workBead } from "../../src/agent/worker.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { execBoard } from "./exec-support.js";
import { bead, metrics, waitFor, workerEnvFor } from "./support.js";

afterEach(cleanupTempBoards);

const worktrees = (dir: string) => (existsSync(join(dir, ".git", "beadboard", "worktrees")) ? readdirSync(join(dir, ".git", "beadboard", "worktrees")) : []);
const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("provider: exec, stopped", () => {
  it("past the agent's timeout the harness is killed, the try fails as a timeout guardrail, and nothing of it stays", async () => {
    const { board, seen } = await execBoard("hang", ["timeout: 300ms"]);
    expect(await workBead(await workerEnvFor(board.dir, "outside"), "bb-1", new AbortController().signal)).toBe("failed");
    expect(bead(board.dir, "bb-1").body).toContain("exec node ran past the agent's timeout and was stopped");
    expect(metrics(board.dir)).toContainEqual(expect.objectContaining({ event: "guardrail", category: "timeout", bead: "bb-1" }));
    expect(pidAlive(Number(readFileSync(join(seen, "started"), "utf8")))).toBe(false);
    expect(board.git(["branch", "--list", "bead/*"])).toBe("");
    expect(worktrees(board.dir)).toEqual([]);
    expect(board.read("src/app.txt")).toBe("broken\n");
  });

  it("the worker's stop kills the harness and releases the bead without counting an attempt", async () => {
    const { board, seen } = await execBoard("hang");
    const shutdown = new AbortController();
    const working = workBead(await workerEnvFor(board.dir, "outside"), "bb-1", shutdown.signal);
    const pid = await waitFor(() => existsSync(join(seen, "started")) && Number(readFileSync(join(seen, "started"), "utf8")), 20_000, "the harness to start");
    shutdown.abort();
    expect(await working).toBe("released");
    expect(bead(board.dir, "bb-1").fields).toMatchObject({ status: "open", attempts: 0 });
    expect(pidAlive(pid)).toBe(false);
    expect(board.git(["branch", "--list", "bead/*"])).toBe("");
    expect(worktrees(board.dir)).toEqual([]);
    expect(board.git(["status", "--porcelain"])).toBe("");
  });
});

describe("provider: exec, bounded and private", () => {
  it("200 KB of output: the result keeps 64 KB and says so; the transcript records at most that", async () => {
    const { board } = await execBoard("flood");
    expect(await workBead(await workerEnvFor(board.dir, "outside"), "bb-1", new AbortController().signal)).toBe("done");
    const body = bead(board.dir, "bb-1").body;
    expect(body).toContain("(Output cut at 64 KB.)");
    expect(body.length).toBeLessThan(70 * 1024);
    const transcriptFile = join(board.dir, ".git", "beadboard", "transcripts", "bb-1", "1.jsonl");
    expect(readFileSync(transcriptFile, "utf8").length).toBeLessThan(80 * 1024);
  });

  it("the harness gets neither the board's token nor other agents' keys, only its own api_key_env", async () => {
    const { board } = await execBoard("env", ["api_key_env: OUTSIDE_API_KEY"], {
      "agents/coder.md": "---\nname: coder\nprovider: openai\nhost: http://127.0.0.1:9/v1\nmodel: m\napi_key_env: CODER_KEY\ntakes: { labels: [other] }\n---\nCodes.\n",
    });
    const env = await workerEnvFor(board.dir, "outside");
    env.registry = buildRegistry(loadAgents(env.ctx.paths).agents, { CODER_KEY: "c", OUTSIDE_API_KEY: "mine" });
    env.processEnv = { PATH: process.env.PATH, HOME: process.env.HOME, BEAD_TOKEN: "t", BEAD_WEBHOOK_SECRET: "w", OPENAI_API_KEY: "o", CODER_KEY: "c", OUTSIDE_API_KEY: "mine", GIT_TOKEN_X: "kept" };
    expect(await workBead(env, "bb-1", new AbortController().signal)).toBe("done");
    const seenNames = JSON.parse(/\[[^\]]*\]/.exec(bead(board.dir, "bb-1").body)?.[0] ?? "[]") as string[];
    expect(seenNames).toEqual(["BEAD_ID", "BEAD_PROMPT_FILE", "BEAD_WORKSPACE", "GIT_TOKEN_X", "OUTSIDE_API_KEY"]);
  });

  it("a remote harness is not started on a workspace holding board-private files: blocked, with the files named", async () => {
    const { board, seen } = await execBoard("edit", [], { "config/.env.production": "DB_PASSWORD=hunter2\n" });
    board.write("agents/outside.md", board.read("agents/outside.md").replace("locality: local", "locality: remote").replace("takes: { labels: [code] }", "takes: { labels: [code] }\nclearance: private"));
    board.git(["commit", "-qam", "remote harness"]);
    const env = await workerEnvFor(board.dir, "outside");
    expect(env.locality).toBe("remote");
    expect(await workBead(env, "bb-1", new AbortController().signal)).toBe("blocked");
    expect(bead(board.dir, "bb-1").body).toContain("board-private files (config/.env.production)");
    expect(existsSync(join(seen, "prompt.md"))).toBe(false); // never started
    expect(worktrees(board.dir)).toEqual([]);
    expect(board.git(["branch", "--list", "bead/*"])).toBe("");
  });
});
