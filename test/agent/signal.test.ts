/**
 * SIGTERM and SIGINT on a real `bead up` process (the built bin/bead.js; run `npm run build` first).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { BEAD_BIN, beadProcessesOfEachTest } from "../helpers/cli.js";
import { beadText } from "../helpers/beads.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import { makeTempBoard, runGit } from "../helpers/temp-board.js";
import { bead, chats, metrics, ollamaAgent, replyJson, subjects, testEnv, waitFor } from "./support.js";

let double: OllamaDouble;
const children = beadProcessesOfEachTest();
beforeEach(async () => {
  double = await startOllamaDouble();
});
afterEach(async () => {
  await double.close();
});

interface Running {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function beadUp(dir: string): Running {
  const child = spawn(process.execPath, [BEAD_BIN, "up", "-C", dir], { env: testEnv(), stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdout?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return { child, stderr: () => stderr, exited };
}

/**
 * The exit, or a failure naming what the process said. The model call in flight never ends on
 * its own (the double stalls it, the agent's timeout is 5 minutes): an exit can only come from
 * the signal's path, so no clock is read here; the bound is what a hung process costs a run.
 */
function exitOf(up: Running): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let watchdog: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    watchdog = setTimeout(() => reject(new Error(`no exit within 10 s; stderr:\n${up.stderr()}`)), 10_000);
  });
  return Promise.race([up.exited, hung]).finally(() => clearTimeout(watchdog));
}

function tempFiles(dir: string): string[] {
  return ["beads", "memory"].flatMap((sub) => {
    const full = join(dir, sub);
    return existsSync(full) ? readdirSync(full).filter((name) => /^\..*\.tmp$/.test(name)).map((name) => `${sub}/${name}`) : [];
  });
}

async function expectCleanRepo(dir: string): Promise<void> {
  expect(tempFiles(dir)).toEqual([]);
  expect(await runGit(dir, ["status", "--porcelain"])).toBe("");
  await expect(runGit(dir, ["fsck", "--no-progress", "--strict"])).resolves.toBeDefined();
}

describe("bead up: stopping", () => {
  it("on SIGTERM mid-bead: exits 143 without waiting for the model, releases the bead, leaves no half-written file", async () => {
    const board = await makeTempBoard({
      "agents/coder.md": ollamaAgent("coder", double.url, ["takes: { labels: [code] }", "timeout: 5m"]),
      "beads/bb-1.md": beadText(["title: Long job", "labels: [code]"], "This takes a while.\n"),
      "memory/MEMORY.md": "# Shared memory\n",
    });
    double.setReplies([{ content: replyJson(), chunks: 5, stallAfterChunks: 2 }]);
    const up = beadUp(board.dir);
    await waitFor(() => chats(double).length === 1 && double.inFlight() === 1, 20_000, "the model call to be under way");
    expect(bead(board.dir, "bb-1").fields).toMatchObject({ status: "claimed", claimed_by: "coder@test" });

    up.child.kill("SIGTERM");
    expect(await exitOf(up)).toEqual({ code: 143, signal: null });
    expect(up.stderr()).toContain("stopping: no new claims; releasing beads in flight");

    const fields = bead(board.dir, "bb-1").fields;
    expect(fields).toMatchObject({ status: "open", attempts: 0 });
    for (const key of ["claimed_by", "claimed_at", "lease_until"]) expect(fields).not.toHaveProperty(key);
    expect((await subjects(board.dir)).slice(0, 2)).toEqual(["release bb-1 by coder: agent stopped", "claim bb-1 by coder"]);
    const lifecycle = ["claim", "start", "model_call", "release", "done", "failed"];
    expect(metrics(board.dir).filter((metric) => metric.bead === "bb-1" && lifecycle.includes(metric.event)).map((metric) => metric.event)).toEqual(["claim", "start", "release"]);
    expect(metrics(board.dir).find((metric) => metric.event === "release")).toMatchObject({ reason: "agent stopped", attempt_counted: false });
    // The double saw the connection go away.
    expect(double.inFlight()).toBe(0);
    await expectCleanRepo(board.dir);
    // Nothing holds the agent's single-instance lock any more.
    expect(existsSync(join(board.dir, ".git", "beadboard", "agents", "coder.lock"))).toBe(false);
  });

  it("on SIGINT while idle: exits 130", async () => {
    const board = await makeTempBoard({ "agents/coder.md": ollamaAgent("coder", double.url, ["takes: { labels: [code] }"]), "beads/.keep": "" });
    const up = beadUp(board.dir);
    await waitFor(() => up.stderr().includes("1 agent(s) watching"), 20_000, "the agent to start watching");
    up.child.kill("SIGINT");
    expect(await exitOf(up)).toEqual({ code: 130, signal: null });
    await expectCleanRepo(board.dir);
  });
});
