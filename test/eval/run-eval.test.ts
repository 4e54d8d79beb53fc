/** Stopping an evaluation: what has not started does not run, what runs is aborted and not counted, and the result is never ready. */
import { afterEach, describe, expect, it } from "vitest";
import { createOllamaProvider } from "../../src/model/ollama.js";
import { runEval } from "../../src/eval/run-eval.js";
import { loadBuiltinTasks } from "../../src/eval/load-tasks.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import { COMPETENT, scriptedModel } from "../helpers/eval-models.js";

let double: OllamaDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

const tasks = loadBuiltinTasks().filter((task) => ["find-port", "find-todo", "missing-url"].includes(task.id));
const common = { agent: "tester", model: "qwen3:8b", systemPrompt: "", tasks, parallel: 1, minPass: 0.75, gate: () => ({ allowed: true as const }) };

describe("runEval stopped", () => {
  it("a signal already aborted runs nothing: no model call, interrupted, not ready", async () => {
    double = await startOllamaDouble({ replies: scriptedModel(COMPETENT) });
    const result = await runEval({ ...common, provider: createOllamaProvider({ host: double.url, env: {} }), signal: AbortSignal.abort() });
    expect(result).toMatchObject({ total: 0, ready: false, interrupted: true });
    expect(double.requests).toHaveLength(0);
  });

  it("a stop during the second task keeps the first task's verdict, drops the cut one, runs no more", async () => {
    const stop = new AbortController();
    const competent = scriptedModel(COMPETENT);
    double = await startOllamaDouble({
      replies: (request) => {
        const prompt = JSON.stringify(request.body);
        if (!prompt.includes("# Bead find-todo:")) return competent(request);
        stop.abort(new Error("stopped by SIGTERM"));
        return { content: "", stallAfterChunks: 0 };
      },
    });
    const result = await runEval({ ...common, provider: createOllamaProvider({ host: double.url, env: {} }), signal: stop.signal });
    expect(result.tasks.map((t) => [t.id, t.passed])).toEqual([["find-port", true]]);
    expect(result).toMatchObject({ passed: 1, total: 1, ready: false, interrupted: true });
    expect(double.requests.some((r) => JSON.stringify(r.body).includes("# Bead missing-url:"))).toBe(false);
  });
});
