/**
 * SIGTERM to a real `bead up --once` process (the built bin/bead.js) while an acting agent is
 * mid-loop: it has edited a file in its worktree and its next model call hangs. The process
 * exits 143 within seconds, the bead is released (no attempt counted), and neither the worktree
 * nor the empty bead/<id> branch is left behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { BEAD_BIN } from "../helpers/cli.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";
import { bead, chats, metrics, testEnv, waitFor } from "../agent/support.js";
import { PROJECT, actingAgent, call, fixBead, worktrees } from "./act-support.js";

let double: OllamaDouble | undefined;
const children: ChildProcess[] = [];
beforeAll(() => {
  if (!existsSync(fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url)))) throw new Error("dist/ is missing: run `npm run build` first");
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await double?.close();
  await cleanupTempBoards();
});

describe("an acting agent and SIGTERM", () => {
  it("mid-loop: exit 143, bead released, worktree and empty branch gone, checkout untouched", async () => {
    double = await startOllamaDouble({ replies: [call("edit_file", { path: "sum.mjs", old_text: "a - b", new_text: "a * b" }), { stallAfterChunks: 0 }] });
    const board = await makeTempBoard({ "agents/codemonkey.md": actingAgent("codemonkey", double.url, ["edit_file"], ["timeout: 10m"]), ...fixBead(), ...PROJECT });
    const child = spawn(process.execPath, [BEAD_BIN, "up", "--once", "-C", board.dir], { env: testEnv(), stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.stdout?.resume();
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const worktree = join(board.dir, ".git", "beadboard", "worktrees", "bb-fix");
    const active = double;
    await waitFor(() => chats(active).length === 2 && active.inFlight() === 1, 30_000, "the model call after the edit");
    expect(readFileSync(join(worktree, "sum.mjs"), "utf8")).toContain("a * b");

    child.kill("SIGTERM");
    const code = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within 10 s; stderr:\n${stderr}`)), 10_000))]);
    expect(code, stderr).toBe(143);
    expect(bead(board.dir, "bb-fix").fields).toMatchObject({ status: "open", attempts: 0 });
    expect(metrics(board.dir).filter((m) => m.event === "release")).toEqual([expect.objectContaining({ bead: "bb-fix", attempt_counted: false })]);
    expect(existsSync(worktree)).toBe(false);
    expect(worktrees(board)).toEqual([board.dir]);
    expect(board.git(["branch", "--list", "bead/*"]).trim()).toBe("");
    expect(board.read("sum.mjs")).toBe(PROJECT["sum.mjs"]);
    expect(board.git(["status", "--porcelain"]).trim()).toBe("");
  });
});
