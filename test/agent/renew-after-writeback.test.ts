/**
 * The false alarm `lease renewal failed (X is not held by coder@test (held by coder@test))`: the
 * renewal timer fired between the write-back commit (status done, claimed_by kept as a record,
 * no lease) and the end of the work (a push on a synced board takes seconds). Here the claimer
 * runs the renewal at exactly that moment, every time.
 */
import { describe, expect, it } from "vitest";
import type { Claimer } from "../../src/agent/claimer.js";
import { AgentRuntime } from "../../src/agent/runtime.js";
import { agentLocality, takesOf } from "../../src/agent/select.js";
import { loadAgents } from "../../src/agent/load.js";
import { LiveBoard } from "../../src/board/live-board.js";
import { renewLease } from "../../src/claim/claim.js";
import { boardPaths } from "../../src/board/paths.js";
import { writeContext } from "../../src/board/write.js";
import { beadText } from "../helpers/beads.js";
import type { OllamaDouble } from "../helpers/ollama-double.js";
import { makeTempBoard } from "../helpers/temp-board.js";
import { bead, logs, ollamaAgent, replyJson, testEnv, workerEnvFor, ollamaDoubleOfEachTest } from "./support.js";

let double: OllamaDouble;
ollamaDoubleOfEachTest((started) => (double = started));

describe("lease renewal around the write-back", () => {
  it("a renewal due right after the result is written is not a lost claim", async () => {
    const board = await makeTempBoard({
      "agents/coder.md": ollamaAgent("coder", double.url, ["takes: { labels: [code] }"]),
      "beads/bb-1.md": beadText(["title: Job", "labels: [code]"], "Do it.\n"),
    });
    double.setReplies(() => ({ content: replyJson() }));
    const captured = logs();
    const env = await workerEnvFor(board.dir, "coder", captured);
    let runtime: AgentRuntime | undefined;
    const claimer: Claimer = {
      ...env.claimer,
      writeBack: async (id, agent, work) => {
        const written = await env.claimer.writeBack(id, agent, work);
        await runtime!.renewDue(); // the 1 s timer, firing while the result is being published
        return written;
      },
    };
    const everyone = loadAgents(env.ctx.paths).agents.map((agent) => takesOf(agent, agentLocality(agent, double.url)));
    runtime = new AgentRuntime({ ...env, claimer, board: new LiveBoard(env.ctx.paths), everyone, serverQueue: undefined });
    await runtime.runOnce();
    expect(runtime.outcomes).toEqual({ done: 1 });
    expect(captured.lines.filter((line) => line.includes("lease renewal failed"))).toEqual([]);
    expect(bead(board.dir, "bb-1").fields.status).toBe("done");
  });

  it("renewing a finished bead names no holder: the claim ended, nobody else holds it", async () => {
    const board = await makeTempBoard({ "beads/bb-2.md": beadText(["title: Done", "status: done", "claimed_by: coder@test"], "x\n") });
    const ctx = writeContext(boardPaths(board.dir), testEnv());
    await expect(renewLease(ctx, "bb-2", { agent: "coder", host: "test", leaseMs: 60_000 })).rejects.toThrow(/^bb-2 is not held by coder@test$/);
  });
});
