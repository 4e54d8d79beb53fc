import { describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import type { OllamaDouble } from "../helpers/ollama-double.js";
import { makeTempBoard } from "../helpers/temp-board.js";
import { bead, chatBody, chats, metrics, ollamaAgent, replyJson, subjects, superviseOnce, ollamaDoubleOfEachTest } from "./support.js";

let double: OllamaDouble;
ollamaDoubleOfEachTest((started) => (double = started));

function board(agentLines: string[] = []) {
  return makeTempBoard({
    "agents/coder.md": ollamaAgent("coder", double.url, ["takes: { labels: [code] }", ...agentLines]),
    "beads/bb-1.md": beadText(["title: Do it", "labels: [code]"], "Please do it.\n"),
  });
}

describe("worker: invalid replies", () => {
  it("asks again with the validation error, then takes the valid reply", async () => {
    const b = await board();
    double.setReplies([{ content: "Sure! The answer is 42." }, { content: replyJson({ result: "Second time lucky." }) }]);
    const { outcomes } = await superviseOnce(b.dir);
    expect(outcomes).toEqual({ coder: { done: 1 } });
    const sent = chats(double).map(chatBody);
    expect(sent).toHaveLength(2);
    const retry = sent[1]?.messages ?? [];
    expect(retry.slice(0, 2)).toEqual(sent[0]?.messages);
    expect(retry[2]).toEqual({ role: "assistant", content: "Sure! The answer is 42." });
    expect(retry[3]?.role).toBe("user");
    expect(retry[3]?.content).toMatch(/^Your reply was invalid: the reply was not valid JSON \(.+\)\. Reply again with only the JSON object\.$/);
    expect(sent[1]?.format).toEqual(sent[0]?.format);
    const done = bead(b.dir, "bb-1");
    expect(done.fields).toMatchObject({ status: "done", attempts: 0 });
    expect(done.body).toContain("Second time lucky.");
    const events = metrics(b.dir).map((metric) => metric.event);
    expect(events.filter((event) => event === "model_call")).toHaveLength(2);
    expect(metrics(b.dir).find((metric) => metric.event === "retry")).toMatchObject({ bead: "bb-1", attempt: 0, reason: expect.stringMatching(/^the reply was not valid JSON/) });
  });

  it("rejects empty output and asks again", async () => {
    const b = await board();
    double.setReplies([{ content: "" }, { content: replyJson({ result: "Not empty." }) }]);
    await superviseOnce(b.dir);
    expect(bead(b.dir, "bb-1").fields.status).toBe("done");
    expect(chatBody(chats(double)[1]).messages.at(-1)?.content).toContain("Your reply was invalid: the reply was empty.");
  });

  it("fails the bead with the reason after max_attempts tries, counting each", async () => {
    const b = await board(["max_attempts: 2"]);
    double.setReplies([{ content: '{"result": "x", "outcome": "finished"}' }]);
    const { outcomes, logs } = await superviseOnce(b.dir);
    expect(outcomes).toEqual({ coder: { released: 1, failed: 1 } });
    // Three calls a try (one ask, two re-asks), two tries.
    expect(chats(double)).toHaveLength(6);
    const failed = bead(b.dir, "bb-1");
    expect(failed.fields).toMatchObject({ status: "failed", attempts: 2 });
    expect(String(failed.fields.reason)).toMatch(/^invalid model output after 3 tries: the reply did not match the schema: outcome: /);
    expect(failed.body).toMatch(/## Result\n+Failed: invalid model output after 3 tries/);
    expect(logs.some((line) => line.startsWith("coder: bb-1: attempt 1 of 2 failed (invalid model output"))).toBe(true);
    expect(logs.some((line) => line.startsWith("coder: bb-1: failed after 2 attempt(s)"))).toBe(true);
    const log = await subjects(b.dir);
    expect(log.slice(0, 4)).toEqual(["failed bb-1", "claim bb-1 by coder", expect.stringMatching(/^release bb-1 by coder: invalid model output/), "claim bb-1 by coder"]);
    const events = metrics(b.dir).filter((metric) => ["release", "failed"].includes(metric.event));
    expect(events).toEqual([
      expect.objectContaining({ event: "release", attempt_counted: true }),
      expect.objectContaining({ event: "failed", attempts: 2, reason: expect.stringMatching(/^invalid model output/) }),
    ]);
    expect(metrics(b.dir).filter((metric) => metric.event === "retry")).toHaveLength(6);
  });

  it("writes an outcome of blocked as status blocked", async () => {
    const b = await board();
    double.setReplies([{ content: replyJson({ outcome: "blocked", result: "Need the API key name." }) }]);
    await superviseOnce(b.dir);
    expect(bead(b.dir, "bb-1").fields.status).toBe("blocked");
  });
});

describe("worker: servers without structured output", () => {
  it("falls back to plain text when the server refuses `format` (HTTP 400)", async () => {
    const b = await board();
    double.setReplies([{ status: 400, error: "invalid format: json schema is not supported by this model" }, { content: "A plain answer.\n" }]);
    const { outcomes } = await superviseOnce(b.dir);
    expect(outcomes).toEqual({ coder: { done: 1 } });
    const sent = chats(double).map(chatBody);
    expect(sent).toHaveLength(2);
    expect(sent[0]?.format).toBeDefined();
    expect(sent[1]).not.toHaveProperty("format");
    expect(sent[1]?.messages).toEqual(sent[0]?.messages);
    const done = bead(b.dir, "bb-1");
    expect(done.fields.status).toBe("done");
    expect(done.body).toMatch(/## Result\n+A plain answer\.\n/);
  });

  it("still takes a JSON reply apart when the model sends one without being forced", async () => {
    const b = await board();
    double.setReplies([{ status: 400, error: "format not supported" }, { content: replyJson({ result: "Parsed anyway.", outcome: "blocked" }) }]);
    await superviseOnce(b.dir);
    const done = bead(b.dir, "bb-1");
    expect(done.fields.status).toBe("blocked");
    expect(done.body).toMatch(/## Result\n+Parsed anyway\.\n/);
  });

  it("rejects an empty plain-text reply", async () => {
    const b = await board(["max_attempts: 1"]);
    double.setReplies((request) => (typeof request.body === "object" && request.body !== null && "format" in request.body ? { status: 400, error: "format not supported" } : { content: "  \n" }));
    await superviseOnce(b.dir);
    const failed = bead(b.dir, "bb-1");
    expect(failed.fields).toMatchObject({ status: "failed", attempts: 1, reason: "the model returned an empty reply" });
  });

  it("does not fall back on other 400s", async () => {
    const b = await board(["max_attempts: 1"]);
    double.setReplies([{ status: 400, error: "invalid options" }]);
    await superviseOnce(b.dir);
    expect(chats(double)).toHaveLength(1);
    expect(bead(b.dir, "bb-1").fields).toMatchObject({ status: "failed", reason: expect.stringContaining("answered 400: invalid options") });
  });
});

describe("worker: an OpenAI-compatible agent", () => {
  const openaiBoard = () =>
    makeTempBoard({
      "agents/coder.md": `---\nname: coder\nprovider: openai\nmodel: qwen3:8b\nhost: ${double.url}/v1\ntakes: { labels: [code] }\noptions: { temperature: 0.1, num_predict: 256 }\n---\nYou are coder.\n`,
      "beads/bb-1.md": beadText(["title: Do it", "labels: [code]"], "Please do it.\n"),
    });

  it("asks for the schema as response_format and writes the result", async () => {
    const b = await openaiBoard();
    double.setReplies([{ content: replyJson({ result: "Via /v1." }), promptTokens: 12, evalTokens: 3 }]);
    expect((await superviseOnce(b.dir)).outcomes).toEqual({ coder: { done: 1 } });
    const sent = double.requests.filter((request) => request.path === "/v1/chat/completions");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toMatchObject({ model: "qwen3:8b", stream: true, temperature: 0.1, max_tokens: 256, response_format: { type: "json_schema", json_schema: { name: "reply" } } });
    expect(bead(b.dir, "bb-1").fields).toMatchObject({ status: "done", tokens: { in: 12, out: 3 } });
    expect(bead(b.dir, "bb-1").body).toContain("Via /v1.");
  });

  it("falls back to plain text when the server refuses response_format", async () => {
    const b = await openaiBoard();
    double.setReplies([{ status: 400, error: "response_format is not supported" }, { content: "Plain over /v1." }]);
    await superviseOnce(b.dir);
    const sent = double.requests.filter((request) => request.path === "/v1/chat/completions");
    expect(sent).toHaveLength(2);
    expect(sent[1]?.body).not.toHaveProperty("response_format");
    expect(bead(b.dir, "bb-1").body).toMatch(/## Result\n+Plain over \/v1\.\n/);
  });
});

describe("worker: num_ctx", () => {
  it("warns, in the log and the metrics, when the prompt will not fit num_ctx", async () => {
    const b = await board(["options: { num_ctx: 64 }"]);
    double.setReplies([{ content: replyJson() }]);
    const { logs } = await superviseOnce(b.dir);
    expect(logs.filter((line) => line.includes("num_ctx"))).toEqual([
      expect.stringMatching(/^coder: bb-1: warning: the prompt is about \d+ tokens but num_ctx is 64; Ollama would cut it\. Raise num_ctx in agents\/coder\.md or lower token_budget$/),
    ]);
    expect(metrics(b.dir).find((metric) => metric.event === "guardrail")).toMatchObject({ reason: "prompt exceeds num_ctx", num_ctx: 64, tokens: expect.any(Number) });
    expect(chatBody(chats(double)[0]).options).toEqual({ num_ctx: 64 });
  });

  it("says nothing when the prompt fits", async () => {
    const b = await board(["options: { num_ctx: 16384 }"]);
    double.setReplies([{ content: replyJson() }]);
    const { logs } = await superviseOnce(b.dir);
    expect(logs.filter((line) => line.includes("num_ctx"))).toEqual([]);
    expect(metrics(b.dir).some((metric) => metric.event === "guardrail")).toBe(false);
  });
});
