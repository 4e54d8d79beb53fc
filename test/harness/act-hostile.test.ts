/**
 * Hostile model scripts through the worker (not only the loop): each is refused or bounded, logged
 * as a guardrail event with its category, leaves nothing outside the worktree changed and no
 * worktree or empty bead/<id> branch behind. A remote agent never receives a secret a file holds.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { workBead } from "../../src/agent/worker.js";
import { type OllamaDouble, type Reply } from "../helpers/ollama-double.js";
import { makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { bead, chats, metrics, superviseOnce, waitFor, workerEnvFor, ollamaDoubleOfEachTest } from "../agent/support.js";
import { PROJECT, actingAgent, call, checkoutSnapshot, fixBead, personAtWork, worktrees } from "./act-support.js";

let double: OllamaDouble;
ollamaDoubleOfEachTest((started) => (double = started));

const TOOLS = ["list_files", "read_file", "edit_file", "run"];
const CODE = ["sum.mjs", "sum.test.mjs", "scratch.txt"];
const edit = call("edit_file", { path: "sum.mjs", old_text: "a - b", new_text: "a * b" });

/** A board whose agent takes one try per bead, and the person's checkout as it was before the work. */
async function hostileBoard(lines: string[] = [], tools = TOOLS, files: Record<string, string> = {}): Promise<{ board: TempBoard; before: string }> {
  const board = await makeTempBoard({ "agents/codemonkey.md": actingAgent("codemonkey", double.url, tools, ["max_attempts: 1", ...lines]), ...fixBead(), ...PROJECT, ...files });
  personAtWork(board);
  return { board, before: codeOnly(board) };
}

/** The snapshot without HEAD and the index hash, which the board's own bead commits move. */
function codeOnly(board: TempBoard): string {
  return checkoutSnapshot(board, CODE).split("\n").slice(1).filter((line) => !/^[0-9a-f]{64}$/.test(line)).join("\n");
}

function expectNoTrace(board: TempBoard, before: string): void {
  expect(codeOnly(board)).toBe(before);
  expect(board.read("sum.mjs")).toBe(PROJECT["sum.mjs"]);
  expect(worktrees(board)).toEqual([board.dir]);
  expect(existsSync(join(board.dir, ".git", "beadboard", "worktrees", "bb-fix"))).toBe(false);
  expect(board.git(["branch", "--list", "bead/*"]).trim()).toBe("");
}

const guardrails = (board: TempBoard) => metrics(board.dir).filter((m) => m.event === "guardrail");
const lastMessages = () => (chats(double).at(-1)?.body as { messages: Array<{ role: string; content: string }> }).messages;

describe("hostile scripts through the worker", () => {
  it("the same call 50 times: ends at the third as a loop, the bead fails, the edit made before it goes with the worktree", async () => {
    const { board, before } = await hostileBoard();
    double.setReplies([edit, ...Array.from({ length: 50 }, () => call("list_files", {}))]);
    const { outcomes } = await superviseOnce(board.dir);
    expect(outcomes).toEqual({ codemonkey: { failed: 1 } });
    expect(chats(double)).toHaveLength(4);
    expect(guardrails(board)).toEqual([expect.objectContaining({ category: "loop", bead: "bb-fix", tool: "list_files", reason: "list_files called 3 times with the same arguments" })]);
    expect(bead(board.dir, "bb-fix").fields.status).toBe("failed");
    expect(board.read("beads/bb-fix.md")).toContain("guardrail loop");
    expectNoTrace(board, before);
  });

  it("an unknown tool is refused with the tools it may call, logged as tool_refused, and the loop goes on", async () => {
    const { board, before } = await hostileBoard();
    double.setReplies([call("rm_rf", { path: "/" }), call("finish", { result: "Nothing I could do.", outcome: "failed" })]);
    const { outcomes } = await superviseOnce(board.dir);
    expect(outcomes).toEqual({ codemonkey: { failed: 1 } });
    expect(guardrails(board)).toEqual([expect.objectContaining({ category: "tool_refused", tool: "rm_rf" })]);
    expect(lastMessages().at(-1)?.content).toBe('Unknown tool "rm_rf". Call one of: list_files, read_file, edit_file, run, finish.');
    expectNoTrace(board, before);
  });

  it("paths out of the worktree and commands not allow-listed are refused (tool_refused) through the worker; nothing outside changes", async () => {
    const { board, before } = await hostileBoard([], ["read_file", "write_file", "edit_file", "run"]);
    double.setReplies([
      call("read_file", { path: join(board.dir, "sum.mjs") }),
      call("write_file", { path: "../../../../escaped.txt", content: "out" }),
      call("write_file", { path: ".git/hooks/post-commit", content: "#!/bin/sh\ntouch pwned\n" }),
      call("edit_file", { path: "../../../sum.mjs", old_text: "a - b", new_text: "a * b" }),
      call("run", { command: ["rm", "-rf", "."] }),
      call("run", { command: ["node", "--test", "; touch pwned"] }),
      call("finish", { result: "Everything was refused.", outcome: "failed" }),
    ]);
    const { outcomes } = await superviseOnce(board.dir);
    expect(outcomes).toEqual({ codemonkey: { failed: 1 } });
    expect(guardrails(board).map((m) => [m.category, m.tool])).toEqual([
      ["tool_refused", "read_file"],
      ["tool_refused", "write_file"],
      ["tool_refused", "write_file"],
      ["tool_refused", "edit_file"],
      ["tool_refused", "run"],
      ["tool_refused", "run"],
    ]);
    expect(existsSync(join(board.dir, "..", "escaped.txt"))).toBe(false);
    expect(existsSync(join(board.dir, ".git", "hooks", "post-commit"))).toBe(false);
    expect(existsSync(join(board.dir, "pwned"))).toBe(false);
    expectNoTrace(board, before);
  });

  it("malformed arguments (not JSON, wrong types) are tool_error events the model can read; nothing is run", async () => {
    const { board, before } = await hostileBoard();
    double.setReplies([call("read_file", "{not json"), call("edit_file", { path: 42, old_text: "a", new_text: "b" }), call("finish", { result: "Blocked on my own arguments.", outcome: "blocked" })]);
    const { outcomes } = await superviseOnce(board.dir);
    expect(outcomes).toEqual({ codemonkey: { blocked: 1 } });
    expect(guardrails(board).map((m) => [m.category, m.tool])).toEqual([["tool_error", "read_file"], ["tool_error", "edit_file"]]);
    const seen = lastMessages().filter((m) => m.role === "tool").map((m) => m.content);
    expect(seen[0]).toMatch(/^The arguments of read_file are not valid JSON/);
    expect(seen[1]).toMatch(/^Invalid arguments for edit_file: path: /);
    expectNoTrace(board, before);
  });

  it("max_steps: a model that never finishes is stopped at the bound (step_limit)", async () => {
    const { board, before } = await hostileBoard(["max_steps: 3"]);
    let line = 0;
    double.setReplies(() => call("read_file", { path: "sum.mjs", start_line: (line += 1) }));
    const { outcomes } = await superviseOnce(board.dir);
    expect(outcomes).toEqual({ codemonkey: { failed: 1 } });
    expect(chats(double)).toHaveLength(3);
    expect(guardrails(board)).toEqual([expect.objectContaining({ category: "step_limit", reason: "no finish within 3 steps" })]);
    expectNoTrace(board, before);
  });

  it("the model goes missing mid-loop: the bead is handed back without counting an attempt, and the worktree goes", async () => {
    const { board, before } = await hostileBoard();
    double.setReplies([edit, { status: 404, error: 'model "qwen3:8b" not found, try pulling it first' }]);
    const env = await workerEnvFor(board.dir, "codemonkey");
    expect(await workBead(env, "bb-fix", new AbortController().signal)).toBe("unreachable");
    expect(bead(board.dir, "bb-fix").fields).toMatchObject({ status: "open", attempts: 0 });
    expectNoTrace(board, before);
  });

  it("a stop mid-loop (SIGTERM's abort) releases the bead and removes the worktree with its unfinished edit", async () => {
    const { board, before } = await hostileBoard();
    double.setReplies([edit, { stallAfterChunks: 0 }]);
    const env = await workerEnvFor(board.dir, "codemonkey");
    const shutdown = new AbortController();
    const working = workBead(env, "bb-fix", shutdown.signal);
    // The model call after the edit is in flight (the double holds it open): stop now.
    await waitFor(() => chats(double).length === 2 && double.inFlight() === 1, 10_000, "the second model call");
    expect(readFileSync(join(board.dir, ".git", "beadboard", "worktrees", "bb-fix", "sum.mjs"), "utf8")).toContain("a * b");
    shutdown.abort(new Error("SIGTERM"));
    expect(await working).toBe("released");
    const fields = bead(board.dir, "bb-fix").fields;
    expect(fields.status).toBe("open");
    expect(fields.claimed_by).toBeUndefined();
    expect(metrics(board.dir).filter((m) => m.event === "release")).toEqual([expect.objectContaining({ reason: "agent stopped", attempt_counted: false })]);
    expectNoTrace(board, before);
    // The next run is the same attempt number on the bead, but keeps a transcript of its own.
    double.setReplies([call("finish", { result: "Nothing to do after all.", outcome: "done" })]);
    expect(await workBead(env, "bb-fix", new AbortController().signal)).toBe("done");
    expect(readdirSync(join(board.dir, ".git", "beadboard", "transcripts", "bb-fix")).sort()).toEqual(["1.jsonl", "2.jsonl"]);
  });
});

describe("a remote acting agent and secrets in the workspace", () => {
  const KEY = ["AKIA", "Q3Z7XK2M9PLW4RTB"].join("");
  const DOTENV = "DATABASE_PASSWORD=hunter2-dotenv-value\n";

  it("never receives an AWS key a file holds, nor a board-private file; each withheld result is a gate block", async () => {
    const { board } = await hostileBoard(["locality: remote"], ["read_file", "list_files", "search"], { "config.mjs": `export const key = "${KEY}";\n`, ".env": DOTENV, ".beadboard.yml": "policy:\n  approve: [code]\n" });
    const script: Reply[] = [
      call("read_file", { path: "config.mjs" }),
      call("read_file", { path: ".env" }),
      call("search", { pattern: "AKIA" }),
      call("list_files", {}),
      call("finish", { result: "Looked around.", outcome: "done" }),
    ];
    double.setReplies(script);
    const { outcomes } = await superviseOnce(board.dir);
    expect(outcomes).toEqual({ codemonkey: { done: 1 } });
    const sent = chats(double).map((request) => JSON.stringify(request.body)).join("\n");
    expect(sent).not.toContain(KEY);
    expect(sent).not.toContain("Q3Z7XK2M9PLW4RTB");
    expect(sent).not.toContain("hunter2");
    expect(sent).toContain("config.mjs"); // the listing still names the file that holds the key…
    expect(sent).not.toMatch(/"\.env\\n|\\n\.env\\n/); // …but not the board-private one
    expect(sent).toContain("1 board-private line(s) withheld");
    const blocks = metrics(board.dir).filter((m) => m.event === "gate" && m.decision === "block");
    expect(blocks.map((m) => m.tool)).toEqual(["read_file", "read_file", "search"]);
    const seen = lastMessages().filter((m) => m.role === "tool").map((m) => m.content);
    expect(seen[0]).toMatch(/^Refused: this result was withheld from the model/);
    // The transcript (local, never committed) holds what the model saw, not the key.
    const transcripts = join(board.dir, ".git", "beadboard", "transcripts", "bb-fix");
    const transcript = readdirSync(transcripts).map((file) => readFileSync(join(transcripts, file), "utf8")).join("");
    expect(transcript).not.toContain(KEY);
    expect(transcript).not.toContain("hunter2");
  });

  it("a path the board marks private (policy.private_paths) is never read by a remote agent, however harmless", async () => {
    const { board } = await hostileBoard(["locality: remote"], ["read_file"], { "deploy/hosts.txt": "db-primary.internal-only.example\n", ".beadboard.yml": "policy:\n  approve: [code]\n  private_paths: [deploy/]\n" });
    double.setReplies([call("read_file", { path: "deploy/hosts.txt" }), call("finish", { result: "Could not look.", outcome: "blocked" })]);
    expect((await superviseOnce(board.dir)).outcomes).toEqual({ codemonkey: { blocked: 1 } });
    expect(chats(double).map((request) => JSON.stringify(request.body)).join("\n")).not.toContain("db-primary");
    expect(metrics(board.dir).filter((m) => m.event === "gate" && m.decision === "block")).toEqual([expect.objectContaining({ tool: "read_file", reason: expect.stringContaining("board-private file (deploy/hosts.txt)") })]);
  });
});
