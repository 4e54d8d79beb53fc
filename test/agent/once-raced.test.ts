/**
 * `--once` on a synced board (issue 13, fair share): a pass whose claims were all lost to other
 * clones, while those clones moved the board, is not the end: a bead still open on the board is
 * tried again. On a board without other clones, such a pass ends the run as before.
 */
import { describe, expect, it } from "vitest";
import { AgentRuntime, MAX_RACED_PASSES } from "../../src/agent/runtime.js";
import type { Claimer } from "../../src/agent/claimer.js";
import { LiveBoard } from "../../src/board/live-board.js";
import { claimBead } from "../../src/claim/claim.js";
import { ClaimRefusedError, PushKeepsLosingError } from "../../src/errors.js";
import { type OllamaDouble } from "../helpers/ollama-double.js";
import { makeTempBoard } from "../helpers/temp-board.js";
import { bead, logs, metrics, ollamaAgent, replyJson, workerEnvFor, ollamaDoubleOfEachTest } from "./support.js";
import { editBead } from "../../src/board/write.js";

let double: OllamaDouble;
ollamaDoubleOfEachTest((started) => (double = started));

const beadFile = (title: string) => `---\ntitle: ${title}\nlabels: [code]\n---\nDo it.\n`;

/**
 * Another clone, as this agent's claimer sees it during the first pass: it takes `a` and `b`
 * just before us (its claims land on the board, moving the tip) and keeps pushing first while
 * we try `c` (nothing claimed). From the second pass on, claims go through.
 */
async function runtimeRacing(otherClones: boolean) {
  const board = await makeTempBoard({ "agents/coder.md": ollamaAgent("coder", double.url, ["takes: { labels: [code] }"]), "beads/a.md": beadFile("A"), "beads/b.md": beadFile("B"), "beads/c.md": beadFile("C") });
  double.setReplies(Array.from({ length: 3 }, () => ({ content: replyJson({ result: "worked" }) })));
  const captured = logs();
  const env = await workerEnvFor(board.dir, "coder", captured);
  const lost = new Set<string>();
  const racing: Claimer = {
    ...env.claimer,
    claim: async (id, agent, leaseMs) => {
      if (lost.size < 3 && !lost.has(id)) {
        lost.add(id);
        if (id === "c") throw new PushKeepsLosingError("http://server/board.git", 10, "not a fast-forward", { id });
        await claimBead(env.ctx, id, { agent: "coder", host: "other-clone", leaseMs: 600_000 });
        throw new ClaimRefusedError(id, "held by coder@other-clone");
      }
      return env.claimer.claim(id, agent, leaseMs);
    },
  };
  const runtime = new AgentRuntime({
    ...env,
    claimer: racing,
    board: new LiveBoard(env.ctx.paths),
    everyone: [{ name: "coder", takes: { labels: ["code"] }, locality: "local", clearance: "internal" }],
    serverQueue: undefined,
    ...(otherClones ? { otherClones: { claimOrder: (beads) => [...beads].sort((x, y) => x.id.localeCompare(y.id)) } } : {}),
  });
  return { board, runtime, captured };
}

describe("--once after a pass of lost races", () => {
  it("on a synced board: goes on while other clones move the board, and works the bead still open", async () => {
    const { board, runtime } = await runtimeRacing(true);
    await runtime.runOnce();
    await runtime.stop();
    expect(bead(board.dir, "c").fields.status).toBe("done");
    expect(bead(board.dir, "a").fields.claimed_by).toBe("coder@other-clone");
    expect(runtime.outcomes).toMatchObject({ skipped: 3, done: 1 });
  });

  it("on a board without other clones: a pass that won nothing ends the run (the bead stays open)", async () => {
    const { board, runtime } = await runtimeRacing(false);
    await runtime.runOnce();
    await runtime.stop();
    expect(bead(board.dir, "c").fields.status).toBe("open");
    expect(runtime.outcomes).toEqual({ skipped: 3 });
  });

  it("is bounded: a board that keeps moving while every claim loses ends after MAX_RACED_PASSES, as a guardrail event", async () => {
    const board = await makeTempBoard({ "agents/coder.md": ollamaAgent("coder", double.url, ["takes: { labels: [code] }"]), "beads/c.md": beadFile("C"), "beads/z.md": "---\ntitle: Z\nlabels: [other]\n---\nNot ours.\n" });
    const env = await workerEnvFor(board.dir, "coder", logs());
    let tries = 0;
    const alwaysLosing: Claimer = {
      ...env.claimer,
      claim: async (id) => {
        tries++;
        // Someone else's commit lands on every try (the board moves), and our push never wins.
        await editBead(env.ctx, "z", (text) => text.replace(/\nDone by \d+\.\n$|\n$/, `\nDone by ${tries}.\n`), `other clone ${tries}`);
        throw new PushKeepsLosingError("http://server/board.git", 10, "not a fast-forward", { id });
      },
    };
    const runtime = new AgentRuntime({
      ...env,
      claimer: alwaysLosing,
      board: new LiveBoard(env.ctx.paths),
      everyone: [{ name: "coder", takes: { labels: ["code"] }, locality: "local", clearance: "internal" }],
      serverQueue: undefined,
      otherClones: { claimOrder: (beads) => beads },
    });
    await runtime.runOnce();
    await runtime.stop();
    expect(tries).toBe(MAX_RACED_PASSES);
    expect(metrics(board.dir).filter((metric) => metric.event === "guardrail")).toEqual([expect.objectContaining({ reason: "once_raced_passes", passes: MAX_RACED_PASSES })]);
  });
});
