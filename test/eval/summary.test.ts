/** Verdicts and the evals.jsonl lines bead stats reads. Pure. */
import { describe, expect, it } from "vitest";
import { renderEval, summarise, type TaskResult } from "../../src/eval/summary.js";
import { lastEvalPerAgent, parseEvalLines, renderEvalStats } from "../../src/eval/results-file.js";
import type { Category } from "../../src/eval/task.js";

const result = (id: string, category: Category, passed: boolean): TaskResult => ({ id, category, source: `builtin:${id}.md`, passed, failures: passed ? [] : ["outcome done, expected blocked"], stop: "finish", steps: 2, toolCalls: 1, tokensIn: 100, tokensOut: 20, durationMs: 10 });

describe("summarise", () => {
  const tasks = [result("a", "blocked", false), result("b", "blocked", false), result("c", "tests", true), result("d", "tests", false), result("e", "refusal", true), result("f", "refusal", true), result("g", "tool-choice", true), result("h", "tool-choice", true)];

  it("is ready at the threshold and names the failed categories, worst first", () => {
    const at = summarise({ agent: "x", model: "m", at: "2026-01-01T00:00:00Z", tasks, minPass: 5 / 8, durationMs: 1 });
    expect(at).toMatchObject({ passed: 5, total: 8, ready: true, failedCategories: ["blocked", "tests"] });
    expect(summarise({ agent: "x", model: "m", at: "", tasks, minPass: 0.75, durationMs: 1 }).ready).toBe(false);
    const text = renderEval(at);
    expect(text).toMatch(/^x \(m\): 5\/8 tasks passed in 0\.0 s, 960 tokens\n/);
    expect(text).toContain("  blocked         0/2  FAILED  stopping as blocked when information is missing\n");
    expect(text).toContain("✗ a (blocked): outcome done, expected blocked");
    expect(text).toMatch(/verdict: READY \(63% passed, at least 63% needed\); failed: blocked, tests\n$/);
  });

  it("an interrupted run or an empty one is never ready", () => {
    expect(summarise({ agent: "x", model: "m", at: "", tasks: tasks.filter((t) => t.passed), minPass: 0.5, durationMs: 1, interrupted: true }).ready).toBe(false);
    expect(summarise({ agent: "x", model: "m", at: "", tasks: [], minPass: 0.5, durationMs: 1 }).ready).toBe(false);
  });
});

describe("evals.jsonl", () => {
  it("keeps each agent's last line, skipping torn and foreign lines", () => {
    const line = (agent: string, passed: number, ready: boolean) => JSON.stringify({ event: "eval", agent, model: "m", at: "2026-02-03T04:05:06Z", passed, total: 21, ready, failedCategories: ready ? [] : ["blocked"] });
    const { lines, skipped } = parseEvalLines([line("a", 3, false), '{"event":"eval","agent":"b"', "[]", line("b", 20, true), line("a", 19, true)].join("\n"));
    expect(skipped).toBe(2);
    expect(lastEvalPerAgent(lines).map((l) => [l.agent, l.passed])).toEqual([["a", 19], ["b", 20]]);
    expect(renderEvalStats(lines)).toBe("last tool-use evaluation (bead eval):\n  a (m): 19/21 ready (2026-02-03 04:05)\n  b (m): 20/21 ready (2026-02-03 04:05)\n");
    expect(renderEvalStats([])).toBe("");
  });
});
