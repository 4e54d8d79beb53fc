/**
 * The Qwen Code agent file of docs/HARNESSES.md, for real: `qwen` headless in the bead's worktree
 * against a scripted OpenAI-protocol double on loopback (one run_shell_command that edits a file,
 * then a text answer). Runs only where a `qwen` binary is found (QWEN_BIN, else PATH): it is not
 * installed on the machines this project is built on, and tests never download anything.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { workBead } from "../../src/agent/worker.js";
import { findProgram } from "../../src/harness/exec-program.js";
import { startOllamaDouble, type OllamaDouble, type RecordedRequest } from "../helpers/ollama-double.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";
import { beadText } from "../helpers/beads.js";
import { bead, workerEnvFor } from "./support.js";

const qwen = process.env.QWEN_BIN ?? findProgram("qwen", process.env, process.cwd());
let double: OllamaDouble | undefined;
const homes: string[] = [];
afterEach(async () => {
  await double?.close();
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
  await cleanupTempBoards();
});

function sawToolResult(request: RecordedRequest): boolean {
  const messages = (request.body as { messages?: Array<{ role?: string }> } | undefined)?.messages ?? [];
  return messages.some((message) => message.role === "tool");
}

describe.skipIf(qwen === undefined)(`Qwen Code as an exec harness (${qwen ?? "qwen not found: skipped"})`, () => {
  it("edits the worktree through its run_shell_command; the edit lands on bead/<id>, its answer is the result", async () => {
    double = await startOllamaDouble({
      replies: (request) => (sawToolResult(request) ? { content: "Fixed src/app.txt." } : { toolCalls: [{ name: "run_shell_command", arguments: { command: "printf 'fixed\\n' > src/app.txt", description: "fix the app" } }] }),
    });
    const command = [qwen, "--auth-type", "openai", "--openai-base-url", `${double.url}/v1`, "--openai-api-key", "x", "-m", "qwen3:8b", "--yolo", "{prompt}"];
    const board = await makeTempBoard({
      "agents/qwen.md": `---\nname: qwen\nprovider: exec\nlocality: local\ncommand: ${JSON.stringify(command)}\ntimeout: 2m\n---\nYou fix code.\n`,
      "beads/bb-1.md": beadText(["title: Fix the app", "agent: qwen"], "Make src/app.txt say fixed.\n"),
      "src/app.txt": "broken\n",
    });
    const home = mkdtempSync(join(tmpdir(), "bb-qwen-home-"));
    homes.push(home);
    const env = await workerEnvFor(board.dir, "qwen");
    env.processEnv = { PATH: process.env.PATH, HOME: home, QWEN_CODE_SUPPRESS_YOLO_WARNING: "1" };
    expect(await workBead(env, "bb-1", new AbortController().signal)).toBe("done");
    const done = bead(board.dir, "bb-1");
    expect(done.fields.branch).toBe("bead/bb-1");
    expect(done.body).toContain("Fixed src/app.txt.");
    expect(board.git(["show", "bead/bb-1:src/app.txt"])).toBe("fixed\n");
    expect(board.read("src/app.txt")).toBe("broken\n");
  }, 120_000);
});
