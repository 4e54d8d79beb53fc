import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { replyJsonSchema } from "../../src/harness/reply.js";
import { estimateTokens } from "../../src/model/tokens.js";
import { beadText } from "../helpers/beads.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import { cleanupTempBoards, makeTempBoard, runGit } from "../helpers/temp-board.js";
import { REPORTER, bead, chatBody, chats, metrics, ollamaAgent, replyJson, subjects, superviseOnce } from "./support.js";

let double: OllamaDouble;
beforeEach(async () => {
  double = await startOllamaDouble();
});
afterEach(async () => {
  await double.close();
  await cleanupTempBoards();
});

const today = () => new Date().toISOString().slice(0, 10);

function codeBoard(extra: Record<string, string> = {}) {
  return makeTempBoard({
    "agents/coder.md": ollamaAgent("coder", double.url, ["takes: { labels: [code] }", "options: { num_ctx: 16384, num_predict: 512, temperature: 0.2, keep_alive: 30m }"]),
    "beads/bb-dep.md": beadText(["title: Find the answer", "status: done", "labels: [research]"], "Find it.\n\n## Result\n\nTHE-DEP-ANSWER is 42.\n"),
    "beads/bb-main.md": beadText(["title: Use the answer", "labels: [code]", "deps: [bb-dep]"], "Build on this:\n{{bb-dep.result}}\n"),
    "memory/MEMORY.md": "# Shared memory\n\n## 2026-01-01\n- SHARED-FACT: the board uses tabs (bb-0)\n",
    "memory/coder.md": "# Memory of coder\n\n## 2026-01-01\n- CODER-FACT: tests live in test/ (bb-0)\n",
    ...extra,
  });
}

describe("worker: one bead, start to finish", () => {
  it("claims, works and commits the result, status, stats, memory and follow-ups", async () => {
    const board = await codeBoard();
    double.setReplies([
      {
        content: replyJson({
          result: "## Answer\n\nThe answer is 42, as found.",
          memory: [
            { note: "The answer to everything is 42", shared: true },
            { note: "coder prefers small diffs", shared: false },
          ],
          followups: [{ title: "Document the answer", body: "Write it in the README.", labels: ["docs"], priority: 3 }],
        }),
        promptTokens: 321,
        evalTokens: 45,
      },
    ]);
    const { outcomes } = await superviseOnce(board.dir);
    expect(outcomes).toEqual({ coder: { done: 1 } });

    const done = bead(board.dir, "bb-main");
    expect(done.fields).toMatchObject({ status: "done", model: "qwen3:8b", tokens: { in: 321, out: 45 }, claimed_by: "coder@test" });
    expect(done.fields.lease_until).toBeUndefined();
    expect(done.fields.duration_ms).toEqual(expect.any(Number));
    expect(done.body).toMatch(/## Result\n+## Answer\n\nThe answer is 42, as found\.\n/);
    // The person's text is kept as written.
    expect(board.read("beads/bb-main.md")).toContain("Build on this:\n{{bb-dep.result}}\n");

    const coderMemory = board.read("memory/coder.md");
    expect(coderMemory).toContain("- CODER-FACT: tests live in test/ (bb-0)\n");
    expect(coderMemory).toContain(`## ${today()}\n- The answer to everything is 42 (bb-main)\n- coder prefers small diffs (bb-main)\n`);
    const shared = board.read("memory/MEMORY.md");
    expect(shared).toContain(`## ${today()}\n- The answer to everything is 42 (bb-main)\n`);
    expect(shared).not.toContain("small diffs");

    const log = await subjects(board.dir);
    expect(log[0]).toBe("memory: coder +2 notes (bb-main)");
    expect(log[1]).toMatch(/^new bb-[0-9a-z]{4,6}: follow-up of bb-main by coder$/);
    expect(log.slice(2, 4)).toEqual(["done bb-main", "claim bb-main by coder"]);
    expect(await runGit(board.dir, ["status", "--porcelain"])).toBe("");

    const childId = /^new (\S+):/.exec(log[1] ?? "")?.[1] ?? "";
    const child = bead(board.dir, childId);
    expect(child.fields).toMatchObject({ title: "Document the answer", status: "open", priority: 3, labels: ["docs"], discovered_from: "bb-main" });
    expect(child.body).toContain("Write it in the README.");
  });

  it("sends the agent body as the system prompt, the dep results and memory, the schema as format, and the options", async () => {
    const board = await codeBoard();
    double.setReplies([{ content: replyJson() }]);
    await superviseOnce(board.dir);
    const sent = chats(double);
    expect(sent).toHaveLength(1);
    const body = chatBody(sent[0]);
    expect(body.model).toBe("qwen3:8b");
    expect(body.stream).toBe(true);
    expect(body.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(body.messages[0]?.content.startsWith("You are coder. SYSTEM-PROMPT-OF-coder.")).toBe(true);
    const user = body.messages[1]?.content ?? "";
    expect(user).toContain("# Bead bb-main: Use the answer");
    expect(user).toContain("Build on this:\nTHE-DEP-ANSWER is 42.");
    expect(user).not.toContain("{{bb-dep.result}}");
    expect(user).toContain("CODER-FACT");
    expect(user).toContain("SHARED-FACT");
    expect(body.format).toEqual(replyJsonSchema());
    expect(body.options).toEqual({ num_ctx: 16384, num_predict: 512, temperature: 0.2 });
    expect(body.keep_alive).toBe("30m");
  });

  it("keeps the prompt within the board's token budget, cutting the oldest memory and logging it", async () => {
    let memory = "# Memory of coder\n\n";
    for (let day = 1; day <= 9; day++) memory += `## 2026-02-0${day}\n${`- OLD-${day} a fact that takes some room in the prompt, one of many\n`.repeat(15)}\n`;
    const board = await codeBoard({ "memory/coder.md": memory, ".beadboard.yml": "token_budget: 1500\n" });
    double.setReplies([{ content: replyJson() }]);
    const { logs } = await superviseOnce(board.dir);
    const body = chatBody(chats(double)[0]);
    const tokens = body.messages.reduce((sum, m) => sum + estimateTokens(m.content), 0);
    expect(tokens).toBeLessThanOrEqual(1500);
    const user = body.messages[1]?.content ?? "";
    expect(user).toContain("OLD-9");
    expect(user).not.toContain("OLD-1 ");
    expect(user).toContain("THE-DEP-ANSWER");
    expect(logs.some((line) => /^coder: bb-main: memory\/coder\.md: cut \d+ oldest section\(s\) \(2026-02-01/.test(line))).toBe(true);
  });

  it("records claim, start, model_call, done, followup and memory events in .git/beadboard/metrics.jsonl", async () => {
    const board = await codeBoard();
    double.setReplies([{ content: replyJson({ memory: [{ note: "n1", shared: false }], followups: [{ title: "f", body: "", labels: [], priority: 2 }] }), promptTokens: 100, evalTokens: 7 }]);
    await superviseOnce(board.dir);
    const lifecycle = ["claim", "start", "model_call", "retry", "release", "done", "failed", "followup", "memory"];
    const events = metrics(board.dir).filter((metric) => metric.bead === "bb-main" && lifecycle.includes(metric.event));
    expect(events.map((metric) => metric.event)).toEqual(["claim", "start", "model_call", "done", "followup", "memory"]);
    expect(events.find((metric) => metric.event === "model_call")).toMatchObject({ agent: "coder", model: "qwen3:8b", tokens_in: 100, tokens_out: 7, latency_ms: expect.any(Number), attempt: 0, locality: "local" });
    expect(events.find((metric) => metric.event === "done")).toMatchObject({ model: "qwen3:8b", duration_ms: expect.any(Number) });
    for (const metric of events) expect(Date.parse(String(metric.ts))).not.toBeNaN();
    // Local state: never in the work tree.
    expect(existsSync(join(board.dir, "metrics.jsonl"))).toBe(false);
  });
});

describe("worker: builtin reporter", () => {
  it("works a report bead with zero model calls", async () => {
    const board = await makeTempBoard({
      "agents/reporter.md": REPORTER,
      "agents/coder.md": ollamaAgent("coder", double.url, ["takes: { labels: [code] }"]),
      "beads/bb-report.md": beadText(["title: Status report", "labels: [report]"], "Where are we?\n"),
      "beads/bb-a.md": beadText(["title: Open work", "labels: [other]"]),
      "beads/bb-b.md": beadText(["title: Finished work", "status: done"]),
    });
    const { outcomes } = await superviseOnce(board.dir, { agents: ["reporter"] });
    expect(outcomes).toEqual({ reporter: { done: 1 } });
    expect(double.requests).toEqual([]);
    const report = bead(board.dir, "bb-report");
    expect(report.fields).toMatchObject({ status: "done", model: "builtin:report", tokens: { in: 0, out: 0 } });
    expect(report.body).toMatch(/## Result\n+Board status at .*: 2 beads \(open 1 · claimed 0 · done 1/);
    expect(report.body).toContain("- P2 bb-a: Open work");
    expect(metrics(board.dir).some((metric) => metric.event === "model_call")).toBe(false);
  });
});
