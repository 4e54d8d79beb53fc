/**
 * `bead up` after a `kill -9` of the last one starts at once (the dead holder of the agent's
 * single-instance lock is recognised by pid and start time); while the holder lives, the refusal
 * names it.
 */
import { describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { BEAD_BIN, beadProcessesOfEachTest } from "../helpers/cli.js";
import { makeTempBoard } from "../helpers/temp-board.js";
import { REPORTER, testEnv, waitFor } from "./support.js";

const children = beadProcessesOfEachTest();

function bead(dir: string, args: string[]): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BEAD_BIN, ...args, "-C", dir], { env: testEnv(), stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdout?.resume();
  return { child, stderr: () => stderr, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
}

describe("bead up after a crash", () => {
  it("names a live holder, and starts at once after it was killed with SIGKILL", async () => {
    const board = await makeTempBoard({ "agents/reporter.md": REPORTER, "beads/.keep": "" });
    const first = bead(board.dir, ["up"]);
    await waitFor(() => first.stderr().includes("1 agent(s) watching"), 20_000, "the first bead up to start");

    const refused = bead(board.dir, ["up", "--once"]);
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toMatch(new RegExp(`agent reporter is already running on this board \\(pid ${first.child.pid} on [^,]+, started \\d{4}-[^:]+:[^)]*up`));

    first.child.kill("SIGKILL");
    await first.exited;
    const second = bead(board.dir, ["up", "--once"]);
    expect(await second.exited).toBe(0);
    expect(second.stderr()).not.toContain("already running");
  });
});
