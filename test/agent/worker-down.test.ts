import { describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { workBead } from "../../src/agent/worker.js";
import { beadText } from "../helpers/beads.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import { makeTempBoard, runGit } from "../helpers/temp-board.js";
import { bead, chats, logs, metrics, ollamaAgent, replyJson, subjects, superviseOnce, workerEnvFor, ollamaDoubleOfEachTest } from "./support.js";

let double: OllamaDouble;
ollamaDoubleOfEachTest((started) => (double = started));

function board(host: string, agentLines: string[] = [], beads = 1) {
  const files: Record<string, string> = { "agents/coder.md": ollamaAgent("coder", host, ["takes: { labels: [code] }", ...agentLines]) };
  for (let n = 1; n <= beads; n++) files[`beads/bb-${n}.md`] = beadText([`title: Task ${n}`, "labels: [code]"], "Do it.\n");
  return makeTempBoard(files);
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function expectReleasedUntouched(dir: string, id: string): void {
  const fields = bead(dir, id).fields;
  expect(fields).toMatchObject({ status: "open", attempts: 0 });
  expect(fields.claimed_by).toBeUndefined();
  expect(fields.claimed_at).toBeUndefined();
  expect(fields.lease_until).toBeUndefined();
}

describe("worker: model server down", () => {
  it("releases the bead without counting an attempt, backs off with one log line, and works it once the server is back", async () => {
    const b = await board(double.url, [], 3);
    await double.setDown(true);
    const first = await superviseOnce(b.dir);
    expect(first.outcomes).toEqual({ coder: { unreachable: 1 } });
    for (const id of ["bb-1", "bb-2", "bb-3"]) expectReleasedUntouched(b.dir, id);
    const lines = first.logs.filter((line) => /unreachable|ollama serve/.test(line));
    expect(lines).toEqual([
      expect.stringMatching(/^coder: model server http:\/\/127\.0\.0\.1:\d+ unreachable: .*: released bb-1, pausing 5 s before claiming again \(start it with `ollama serve`, then `ollama pull qwen3:8b`\)$/),
    ]);
    const work = (await subjects(b.dir)).filter((subject) => /^(claim|release|done|failed) /.test(subject));
    expect(work).toEqual(["release bb-1 by coder: model unreachable", "claim bb-1 by coder"]);
    expect(metrics(b.dir).filter((metric) => metric.event === "release")).toEqual([expect.objectContaining({ bead: "bb-1", reason: "model unreachable", attempt_counted: false })]);
    expect(await runGit(b.dir, ["status", "--porcelain"])).toBe("");

    await double.setDown(false);
    double.setReplies([{ content: replyJson({ result: "Worked after all." }) }]);
    const second = await superviseOnce(b.dir);
    expect(second.outcomes).toEqual({ coder: { done: 3 } });
    expect(bead(b.dir, "bb-1").fields).toMatchObject({ status: "done", attempts: 0 });
    expect(bead(b.dir, "bb-1").body).toContain("Worked after all.");
  });

  it("treats a port with nothing listening the same way", async () => {
    const port = await closedPort();
    const b = await board(`http://127.0.0.1:${port}`);
    const { outcomes, logs: lines } = await superviseOnce(b.dir);
    expect(outcomes).toEqual({ coder: { unreachable: 1 } });
    expectReleasedUntouched(b.dir, "bb-1");
    expect(lines.filter((line) => line.includes("ECONNREFUSED"))).toHaveLength(1);
  });

  it("releases, not fails, when the server does not have the model, and says to pull it", async () => {
    const b = await board(double.url);
    double.setReplies([{ content: replyJson() }]);
    const missing = await startOllamaDouble({ models: [{ name: "llama3.2:1b" }] });
    try {
      const m = await board(missing.url);
      const { outcomes, logs: lines } = await superviseOnce(m.dir);
      expect(outcomes).toEqual({ coder: { unreachable: 1 } });
      expectReleasedUntouched(m.dir, "bb-1");
      expect(lines.filter((line) => line.includes("ollama pull"))).toEqual([
        expect.stringMatching(/^coder: model qwen3:8b is not on http:\/\/127\.0\.0\.1:\d+: released bb-1, pausing 5 s before claiming again \(run `ollama pull qwen3:8b`\)$/),
      ]);
    } finally {
      await missing.close();
    }
    // The same board on a server that has the model: worked.
    expect((await superviseOnce(b.dir)).outcomes).toEqual({ coder: { done: 1 } });
  });
});

describe("worker: stalled replies", () => {
  it("counts a reply that stalls past the agent timeout as a failed try and releases the bead", async () => {
    const b = await board(double.url, ["timeout: 400ms"]);
    double.setReplies([{ content: replyJson(), chunks: 4, stallAfterChunks: 1 }]);
    const captured = logs();
    const env = await workerEnvFor(b.dir, "coder", captured);
    const outcome = await workBead(env, "bb-1", new AbortController().signal);
    expect(outcome).toBe("released");
    const fields = bead(b.dir, "bb-1").fields;
    expect(fields).toMatchObject({ status: "open", attempts: 1 });
    expect(fields.claimed_by).toBeUndefined();
    expect(captured.lines).toEqual([expect.stringMatching(/^bb-1: attempt 1 of 3 failed \(model server .* timed out after 400 ms mid-reply\); released for another try$/)]);
    // The double saw the client hang up: nothing left open.
    await expect.poll(() => double.inFlight()).toBe(0);
  });

  it("fails the bead once max_attempts stalled tries are used up", async () => {
    const b = await board(double.url, ["timeout: 300ms", "max_attempts: 2"]);
    double.setReplies([{ content: replyJson(), stallAfterChunks: 0 }]);
    const { outcomes } = await superviseOnce(b.dir);
    expect(outcomes).toEqual({ coder: { released: 1, failed: 1 } });
    expect(chats(double)).toHaveLength(2);
    const fields = bead(b.dir, "bb-1").fields;
    expect(fields).toMatchObject({ status: "failed", attempts: 2, reason: expect.stringMatching(/timed out after 300 ms mid-reply/) });
  });

  it("fails a try when the stream carries malformed JSON", async () => {
    const b = await board(double.url, ["max_attempts: 1"]);
    double.setReplies([{ content: replyJson(), malformed: true }]);
    await superviseOnce(b.dir);
    expect(bead(b.dir, "bb-1").fields).toMatchObject({ status: "failed", attempts: 1, reason: expect.stringContaining("malformed JSON") });
  });
});
