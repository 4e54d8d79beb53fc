/**
 * `bead up` refuses with a named error class (and its stable code) when there is nothing to run
 * and when the agent already runs on this board; the exit code comes from that code.
 */
import { describe, expect, it } from "vitest";
import { supervise } from "../../src/agent/supervisor.js";
import { boardPaths } from "../../src/board/paths.js";
import { exitCodeFor } from "../../src/cli/exit-codes.js";
import { AgentAlreadyRunningError, NoAgentsError } from "../../src/errors.js";
import type { OllamaDouble } from "../helpers/ollama-double.js";
import { makeTempBoard } from "../helpers/temp-board.js";
import { logs, ollamaAgent, superviseOnce, testEnv, waitFor, ollamaDoubleOfEachTest } from "./support.js";

let double: OllamaDouble;
ollamaDoubleOfEachTest((started) => (double = started));

describe("bead up refuses", () => {
  it("a board without a valid agent: NoAgentsError, E_CONFIG, exit 1", async () => {
    const board = await makeTempBoard({ "agents/broken.md": "---\nprovider: nope\n---\n", "beads/.keep": "" });
    const refusal = await superviseOnce(board.dir).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(NoAgentsError);
    expect(refusal).toMatchObject({ code: "E_CONFIG", message: expect.stringContaining("no valid agents in agents/") });
    expect(exitCodeFor(refusal)).toBe(1);
  });

  it("an agent this board already runs: AgentAlreadyRunningError naming the holder, exit 1", async () => {
    const board = await makeTempBoard({ "agents/coder.md": ollamaAgent("coder", double.url, ["takes: { labels: [code] }"]), "beads/.keep": "" });
    let stop = (): void => undefined;
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    const first = logs();
    const running = supervise({ paths: boardPaths(board.dir), env: testEnv(), once: false, log: first.log, stopSignal });
    await waitFor(() => first.lines.some((line) => line.includes("watching")), 15_000, "the first supervisor to start");
    const refusal = await superviseOnce(board.dir).catch((error: unknown) => error);
    stop();
    await running;
    expect(refusal).toBeInstanceOf(AgentAlreadyRunningError);
    expect(refusal).toMatchObject({ code: "E_AGENT_RUNNING", agent: "coder", message: expect.stringMatching(new RegExp(`^agent coder is already running on this board \\(pid ${process.pid} `)) });
    expect(exitCodeFor(refusal)).toBe(1);
  });
});
