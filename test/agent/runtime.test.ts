import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentRuntime } from "../../src/agent/runtime.js";
import { supervise } from "../../src/agent/supervisor.js";
import { boardPaths } from "../../src/board/paths.js";
import { beadText } from "../helpers/beads.js";
import { startOllamaDouble, type OllamaDouble, type RecordedRequest } from "../helpers/ollama-double.js";
import { cleanupTempBoards, makeTempBoard, runGit } from "../helpers/temp-board.js";
import { bead, chats, logs, ollamaAgent, replyJson, runtimeFor, subjects, superviseOnce, testEnv, waitFor } from "./support.js";

let double: OllamaDouble;
let runtime: AgentRuntime | undefined;
beforeEach(async () => {
  double = await startOllamaDouble();
});
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  await double.close();
  await cleanupTempBoards();
});

const CODER = ["takes: { labels: [code] }"];
const BROKEN = "---\ntitle: [unclosed\nlabels: [code]\n---\nBad YAML.\n";

/** Reply saying which agent was asked (read from the system prompt) and about which bead. */
function whoReplies(request: RecordedRequest) {
  const messages = (request.body as { messages: Array<{ content: string }> }).messages;
  const agent = /SYSTEM-PROMPT-OF-(\w+)/.exec(messages[0]?.content ?? "")?.[1] ?? "?";
  const id = /# Bead (\S+):/.exec(messages[1]?.content ?? "")?.[1] ?? "?";
  return { content: replyJson({ result: `worked by ${agent} on ${id}` }) };
}

describe("runtime: a watched board", () => {
  it("claims a hand-written bead on its save, works it and commits result and memory", async () => {
    const board = await makeTempBoard({ "agents/coder.md": ollamaAgent("coder", double.url, CODER), "beads/.keep": "" });
    double.setReplies([
      { content: replyJson({ result: "Done by hand request.", memory: [{ note: "hand beads work", shared: true }, { note: "mine only", shared: false }] }), promptTokens: 50, evalTokens: 9 },
    ]);
    const captured = logs();
    runtime = await runtimeFor(board.dir, "coder", captured);
    await runtime.start();

    board.write("beads/hand-1.md", "---\ntitle: Written by a person\nlabels: [code]\n---\nPlease handle this.\n");
    await waitFor(async () => (await subjects(board.dir)).includes("memory: coder +2 notes (hand-1)"), 20_000, "the memory commit of hand-1");
    // The branch moves a moment before the index is renamed into place: wait for the worker to return.
    const active = runtime;
    await waitFor(() => active.outcomes.done === 1, 5_000, "the worker to finish hand-1");

    // How soon after the save the claim comes is measured by the benches (bench/agent.js), not asserted here.
    const done = bead(board.dir, "hand-1");

    expect(done.fields).toMatchObject({ status: "done", model: "qwen3:8b", tokens: { in: 50, out: 9 }, duration_ms: expect.any(Number) });
    expect(done.body).toMatch(/^Please handle this\.\n\n## Result\n+Done by hand request\.\n$/);
    expect(board.read("memory/coder.md")).toMatch(/- hand beads work \(hand-1\)\n- mine only \(hand-1\)\n/);
    expect(board.read("memory/MEMORY.md")).toMatch(/- hand beads work \(hand-1\)\n/);
    expect(board.read("memory/MEMORY.md")).not.toContain("mine only");
    const log = await subjects(board.dir);
    expect(log.slice(0, 3)).toEqual(["memory: coder +2 notes (hand-1)", "done hand-1", "claim hand-1 by coder"]);
    // The file the person saved was never committed by them: the claim commit carries it.
    expect(await runGit(board.dir, ["status", "--porcelain"])).toBe("");
    expect(chats(double)).toHaveLength(1);
    expect(runtime.outcomes).toEqual({ done: 1 });
  });

  it("does not miss a bead saved while a reconcile is reading the board", async () => {
    const board = await makeTempBoard({ "agents/coder.md": ollamaAgent("coder", double.url, CODER), "beads/bb-0.md": beadText(["title: Someone else's", "labels: [other]"]) });
    double.setReplies([{ content: replyJson() }]);
    runtime = await runtimeFor(board.dir, "coder");
    const first = runtime.reconcile(); // lists beads/ before its first await
    board.write("beads/bb-late.md", beadText(["title: Saved mid-reconcile", "labels: [code]"]));
    const second = runtime.reconcile(); // the watcher's hint for the new file
    expect(await first).toBe(1);
    expect(await second).toBe(1);
    const active = runtime;
    await waitFor(() => active.outcomes.done === 1, 10_000, "bb-late done");
    expect(bead(board.dir, "bb-late").fields.status).toBe("done");
  });

  it("never touches a bad bead, and keeps working around it", async () => {
    const board = await makeTempBoard({ "agents/coder.md": ollamaAgent("coder", double.url, CODER), "beads/broken.md": BROKEN });
    double.setReplies([{ content: replyJson() }]);
    const captured = logs();
    runtime = await runtimeFor(board.dir, "coder", captured);
    await runtime.start();
    board.write("beads/broken-too.md", "---\ntitle: x\nstatus: sleeping\nlabels: [code]\n---\n");
    board.write("beads/good.md", beadText(["title: Good one", "labels: [code]"]));
    const active = runtime;
    await waitFor(() => active.outcomes.done === 1, 15_000, "good done");
    expect(bead(board.dir, "good").fields.status).toBe("done");
    expect(board.read("beads/broken.md")).toBe(BROKEN);
    expect(board.read("beads/broken-too.md")).toBe("---\ntitle: x\nstatus: sleeping\nlabels: [code]\n---\n");
    expect((await runGit(board.dir, ["log", "--format=%s", "--", "beads/broken.md"])).trim()).toBe("initial board");
    expect((await runGit(board.dir, ["log", "--format=%s", "--", "beads/broken-too.md"])).trim()).toBe("");
    expect(captured.lines.filter((line) => /unexpected error|could not read/.test(line))).toEqual([]);
    expect(runtime.outcomes).toEqual({ done: 1 });
  });

  it("works a bead released for an unreachable model as soon as its pause is over", async () => {
    const board = await makeTempBoard({ "agents/coder.md": ollamaAgent("coder", double.url, CODER), "beads/.keep": "" });
    await double.setDown(true);
    const captured = logs();
    let later = 0;
    const wakes: Array<{ ms: number; wake: () => void }> = [];
    const clock = { now: () => Date.now() + later, wakeAfter: (ms: number, wake: () => void) => (wakes.push({ ms, wake }), () => undefined) };
    runtime = await runtimeFor(board.dir, "coder", captured, { clock });
    await runtime.start();
    board.write("beads/bb-1.md", beadText(["title: Patience", "labels: [code]"]));
    await waitFor(async () => (await subjects(board.dir))[0] === "release bb-1 by coder: model unreachable", 10_000, "the release");
    expect(bead(board.dir, "bb-1").fields).toMatchObject({ status: "open", attempts: 0 });
    await double.setDown(false);
    double.setReplies([{ content: replyJson({ result: "Back online." }) }]);
    // A 5 s pause (taken once the release is committed), and one wake-up asked for at its end.
    await waitFor(() => wakes.length > 0, 10_000, "the pause");
    expect(wakes.map((entry) => entry.ms)).toEqual([5_010]);
    const active = runtime;
    expect(await active.reconcile()).toBe(0); // still paused: nothing claimed
    later = 5_010;
    wakes[0]?.wake();
    await waitFor(() => active.outcomes.done === 1, 15_000, "bb-1 done after the pause");
    expect(bead(board.dir, "bb-1").body).toContain("Back online.");
    expect(captured.lines.filter((line) => line.includes("unreachable"))).toHaveLength(1);
    expect(runtime.outcomes).toEqual({ unreachable: 1, done: 1 });
  });
});

describe("runtime: leases", () => {
  it("renews the lease of a bead it is still working on once half the lease has passed, by the runtime's clock", async () => {
    const board = await makeTempBoard({ "agents/coder.md": ollamaAgent("coder", double.url, [...CODER, "lease: 1h"]), "beads/.keep": "" });
    let finishCall = (): void => undefined;
    double.setReplies([{ content: replyJson(), holdUntil: new Promise<void>((resolve) => (finishCall = resolve)) }]);
    let later = 0;
    runtime = await runtimeFor(board.dir, "coder", logs(), { clock: { now: () => Date.now() + later, wakeAfter: () => () => undefined } });
    await runtime.start();
    board.write("beads/bb-slow.md", beadText(["title: Slow", "labels: [code]"]));
    await waitFor(() => double.inFlight() === 1, 15_000, "the model call to be under way");
    const active = runtime;
    await active.renewDue();
    expect(await subjects(board.dir)).not.toContain("renew bb-slow by coder"); // 1 h left of 1 h: not due
    later = 31 * 60_000;
    await active.renewDue();
    // The runtime's own once-a-second timer may have taken this renewal: either way it is one commit.
    await waitFor(async () => (await subjects(board.dir))[0] === "renew bb-slow by coder", 15_000, "the renewal commit");
    later = 0; // a fresh lease again, so the timer does not renew once more before the reply
    finishCall();
    await waitFor(() => active.outcomes.done === 1, 15_000, "bb-slow done");
    const log = await subjects(board.dir);
    expect(log.slice(0, 2)).toEqual(["done bb-slow", "renew bb-slow by coder"]);
    expect(bead(board.dir, "bb-slow").fields).toMatchObject({ status: "done", attempts: 0 });
  });
});

describe("supervisor: two agents on one board", () => {
  it("splits the board by takes; each bead worked once, by the right agent", async () => {
    const board = await makeTempBoard({
      "agents/coder.md": ollamaAgent("coder", double.url, CODER),
      "agents/scout.md": ollamaAgent("scout", double.url, ["takes: { labels: [research], types: [research] }"]),
      "beads/c-1.md": beadText(["title: Code one", "labels: [code]"]),
      "beads/c-2.md": beadText(["title: Code two", "labels: [code]", "priority: 0"]),
      "beads/r-1.md": beadText(["title: Research one", "type: research"]),
      "beads/r-2.md": beadText(["title: Research two", "labels: [research]"]),
      "beads/n-1.md": beadText(["title: Nobody's", "labels: [misc]", "type: chore"]),
      "beads/a-1.md": beadText(["title: Assigned to scout", "labels: [code]", "agent: scout"]),
    });
    double.setReplies(whoReplies);
    const { outcomes } = await superviseOnce(board.dir);
    expect(outcomes).toEqual({ coder: { done: 2 }, scout: { done: 3 } });
    for (const [id, agent] of [["c-1", "coder"], ["c-2", "coder"], ["r-1", "scout"], ["r-2", "scout"], ["a-1", "scout"]] as const) {
      const worked = bead(board.dir, id);
      expect(worked.fields, id).toMatchObject({ status: "done", claimed_by: `${agent}@test` });
      expect(worked.body).toContain(`worked by ${agent} on ${id}`);
    }
    expect(bead(board.dir, "n-1").fields.status).toBe("open");
    expect(chats(double)).toHaveLength(5);
    const claims = (await subjects(board.dir)).filter((subject) => subject.startsWith("claim "));
    expect(claims.sort()).toEqual(["claim a-1 by scout", "claim c-1 by coder", "claim c-2 by coder", "claim r-1 by scout", "claim r-2 by scout"]);
  });

  it("works only the named agents, and skips a bad agent file with a log line", async () => {
    const board = await makeTempBoard({
      "agents/coder.md": ollamaAgent("coder", double.url, CODER),
      "agents/broken.md": "---\nprovider: nope\n---\n",
      "beads/c-1.md": beadText(["title: Code", "labels: [code]"]),
    });
    double.setReplies(whoReplies);
    const { outcomes, logs: lines } = await superviseOnce(board.dir, { agents: ["coder"] });
    expect(outcomes).toEqual({ coder: { done: 1 } });
    expect(lines).toContain("skipping agents/broken.md:2: provider: provider must be one of ollama, openai, builtin, embedded, exec");
  });

  it("on stop, starts no work queued behind the shared model-server limit", async () => {
    const board = await makeTempBoard({
      "agents/coder.md": ollamaAgent("coder", double.url, [...CODER, "timeout: 5m"]),
      "agents/scout.md": ollamaAgent("scout", double.url, ["takes: { labels: [research] }", "timeout: 5m"]),
      "beads/c-1.md": beadText(["title: Code", "labels: [code]"]),
      "beads/r-1.md": beadText(["title: Research", "labels: [research]"]),
    });
    double.setReplies([{ content: replyJson(), stallAfterChunks: 1 }]);
    let stop = (): void => undefined;
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    const captured = logs();
    const running = supervise({ paths: boardPaths(board.dir), env: testEnv(), once: false, log: captured.log, stopSignal });
    // One server, one call at a time: one agent is mid-call, the other waits its turn.
    await waitFor(() => chats(double).length === 1 && double.inFlight() === 1, 15_000, "one model call under way");
    stop();
    await Promise.race([running, new Promise((_, reject) => setTimeout(() => reject(new Error(`supervise did not stop:\n${captured.lines.join("\n")}`)), 10_000))]);
    expect(chats(double)).toHaveLength(1);
    for (const id of ["c-1", "r-1"]) expect(bead(board.dir, id).fields, id).toMatchObject({ status: "open", attempts: 0 });
    expect((await subjects(board.dir)).filter((subject) => subject.startsWith("claim "))).toHaveLength(1);
  });
});
