/**
 * A person's `git checkout -b other` while `bead up` works beads (issue 14, item 12), with a real
 * process (the built bin/bead.js) and a model server that never finishes a stream: `bead up`
 * notices the move itself, stops within seconds with a message naming both branches and the way
 * back, releases every claim on main (not on `other`), and leaves the person's branch, index and
 * files as they were.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { BEAD_BIN } from "../helpers/cli.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import { cleanupTempBoards, makeTempBoard, runGit } from "../helpers/temp-board.js";
import { ollamaAgent, replyJson, testEnv, waitFor } from "./support.js";

let double: OllamaDouble;
const children: ChildProcess[] = [];
beforeAll(() => {
  if (!existsSync(fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url)))) throw new Error("dist/ is missing: run `npm run build` first");
});
beforeEach(async () => {
  double = await startOllamaDouble();
  double.setReplies(() => ({ content: replyJson(), chunks: 4, stallAfterChunks: 1 }));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await double.close();
  await cleanupTempBoards();
});

async function statusAt(dir: string, rev: string, id: string): Promise<string> {
  return /^status: (\w+)$/m.exec(await runGit(dir, ["show", `${rev}:beads/${id}.md`]))?.[1] ?? "open";
}

describe("bead up when HEAD moves to another branch", () => {
  it("stops itself, releases its claims on main, commits nothing on the person's branch", async () => {
    const ids = ["bb-1", "bb-2"];
    const board = await makeTempBoard({
      "agents/coder.md": ollamaAgent("coder", double.url, ["takes: { labels: [code] }", "timeout: 10m", "concurrency: 2"]),
      ...Object.fromEntries(ids.map((id) => [`beads/${id}.md`, beadText([`title: Job ${id}`, "labels: [code]"], "Slow.\n")])),
    });
    const child = spawn(process.execPath, [BEAD_BIN, "up", "-C", board.dir], { env: { ...testEnv(), BEAD_SERVER_CONCURRENCY: "2" }, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.stdout?.resume();
    const exited = new Promise<number | null>((resolve) => child.on("exit", (exitCode) => resolve(exitCode)));
    await waitFor(() => double.inFlight() === 2, 30_000, "two model calls under way");
    for (const id of ids) expect(await statusAt(board.dir, "HEAD", id)).toBe("claimed");

    await runGit(board.dir, ["checkout", "-q", "-b", "other"]);
    const otherTip = (await runGit(board.dir, ["rev-parse", "other"])).trim();
    const exitCode = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within 15 s; stderr:\n${stderr}`)), 15_000))]);

    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/HEAD moved from main to other while bead up ran: agents work only on main, so bead up stopped.*git checkout main/);
    for (const id of ids) expect(await statusAt(board.dir, "main", id)).toBe("open");
    expect(await runGit(board.dir, ["log", "--format=%s", "main"])).toMatch(/release bb-\d by coder: agent stopped[\s\S]*release bb-\d by coder: agent stopped/);
    // The person's branch: not one commit more, the claimed files as they were, a clean status.
    expect((await runGit(board.dir, ["rev-parse", "other"])).trim()).toBe(otherTip);
    expect((await runGit(board.dir, ["symbolic-ref", "HEAD"])).trim()).toBe("refs/heads/other");
    expect(await runGit(board.dir, ["status", "--porcelain"])).toBe("");
    for (const id of ids) expect(await statusAt(board.dir, "other", id)).toBe("claimed");
    await runGit(board.dir, ["fsck", "--strict"]);
    expect(double.inFlight()).toBe(0);
    // Back on main, the beads are free again.
    await runGit(board.dir, ["checkout", "-q", "main"]);
    expect(await runGit(board.dir, ["show", "HEAD:beads/bb-1.md"])).toMatch(/^status: open$/m);
  });
});
