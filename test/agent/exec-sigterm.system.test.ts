/**
 * SIGTERM to a real `bead up --once` process (the built bin/bead.js) while an exec agent's
 * harness (a real node child that ignores nothing and never ends) works a bead: the process
 * exits 143 within seconds, the harness is dead, the bead is released without counting an
 * attempt, and neither the worktree nor the empty bead/<id> branch is left behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { BEAD_BIN } from "../helpers/cli.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { execBoard } from "./exec-support.js";
import { bead, metrics, testEnv, waitFor } from "./support.js";

const children: ChildProcess[] = [];
beforeAll(() => {
  if (!existsSync(fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url)))) throw new Error("dist/ is missing: run `npm run build` first");
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await cleanupTempBoards();
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("an exec agent and SIGTERM", () => {
  it("mid-run: exit 143, harness killed, bead released, worktree and empty branch gone", async () => {
    const { board, seen } = await execBoard("hang", ["timeout: 10m"]);
    const child = spawn(process.execPath, [BEAD_BIN, "up", "--once", "-C", board.dir], { env: testEnv(), stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.stdout?.resume();
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const started = join(seen, "started");
    const pid = await waitFor(() => existsSync(started) && Number(readFileSync(started, "utf8")), 60_000, "the harness to start");
    const worktree = join(board.dir, ".git", "beadboard", "worktrees", "bb-1");
    expect(readFileSync(join(worktree, "src", "app.txt"), "utf8")).toBe("never committed\n");

    child.kill("SIGTERM");
    const code = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within 15 s; stderr:\n${stderr}`)), 15_000))]);
    expect(code, stderr).toBe(143);
    expect(alive(pid)).toBe(false);
    expect(bead(board.dir, "bb-1").fields).toMatchObject({ status: "open", attempts: 0 });
    expect(metrics(board.dir).filter((m) => m.event === "release")).toEqual([expect.objectContaining({ bead: "bb-1", attempt_counted: false })]);
    expect(existsSync(worktree)).toBe(false);
    expect(board.git(["branch", "--list", "bead/*"]).trim()).toBe("");
    expect(board.read("src/app.txt")).toBe("broken\n");
    expect(board.git(["status", "--porcelain"]).trim()).toBe("");
  }, 90_000);
});
