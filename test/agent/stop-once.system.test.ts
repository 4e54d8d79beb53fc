/**
 * The first SIGTERM/SIGINT stops `bead up --once` (a real process, the built bin/bead.js) while it
 * works beads on a model server that never finishes a stream: exit 143/130 within seconds, every
 * claimed bead released, as git shows it.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { BEAD_BIN, beadProcessesOfEachTest } from "../helpers/cli.js";
import { beadText } from "../helpers/beads.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import { makeTempBoard, runGit } from "../helpers/temp-board.js";
import { ollamaAgent, replyJson, testEnv, waitFor } from "./support.js";

let double: OllamaDouble;
const children = beadProcessesOfEachTest();
beforeEach(async () => {
  double = await startOllamaDouble();
  // Every reply: one chunk, then nothing, forever (until the client hangs up).
  double.setReplies(() => ({ content: replyJson(), chunks: 4, stallAfterChunks: 1 }));
});
afterEach(async () => {
  await double.close();
});

/** Status of each bead as committed at HEAD (git's view, not the product's). */
async function statusesAtHead(dir: string, ids: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of ids) out[id] = /^status: (\w+)$/m.exec(await runGit(dir, ["show", `HEAD:beads/${id}.md`]))?.[1] ?? "open"; // no status line: open (DESIGN §2)
  return out;
}

describe.each([
  ["SIGTERM", 143],
  ["SIGINT", 130],
] as const)("bead up --once on %s", (signal, code) => {
  it(`exits ${code} within seconds and releases every bead it was working`, async () => {
    const ids = ["bb-1", "bb-2", "bb-3"];
    const board = await makeTempBoard({
      "agents/coder.md": ollamaAgent("coder", double.url, ["takes: { labels: [code] }", "timeout: 10m", "concurrency: 2"]),
      ...Object.fromEntries(ids.map((id) => [`beads/${id}.md`, beadText([`title: Job ${id}`, "labels: [code]"], "Slow.\n")])),
    });
    const child = spawn(process.execPath, [BEAD_BIN, "up", "--once", "-C", board.dir], { env: { ...testEnv(), BEAD_SERVER_CONCURRENCY: "2" }, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.stdout?.resume();
    const exited = new Promise<number | null>((resolve) => child.on("exit", (exitCode) => resolve(exitCode)));
    await waitFor(() => double.inFlight() === 2, 30_000, "two model calls under way");
    const claimed = Object.values(await statusesAtHead(board.dir, ids)).filter((status) => status === "claimed");
    expect(claimed).toHaveLength(2);

    child.kill(signal);
    const exitCode = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within 10 s; stderr:\n${stderr}`)), 10_000))]);
    expect(exitCode).toBe(code);
    expect(await statusesAtHead(board.dir, ids)).toEqual({ "bb-1": "open", "bb-2": "open", "bb-3": "open" });
    expect(await runGit(board.dir, ["log", "--format=%s"])).toMatch(/release bb-\d by coder: agent stopped/);
    expect(double.inFlight()).toBe(0);
  });
});
