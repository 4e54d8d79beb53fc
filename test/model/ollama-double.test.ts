import { afterEach, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";

let double: OllamaDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

const post = (url: string, body: unknown, signal?: AbortSignal): Promise<Response> =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: signal ?? null });

describe("ollama double", () => {
  it("plays the reply queue in order, repeating the last, and records each request", async () => {
    double = await startOllamaDouble({ replies: [{ content: "one" }, { content: "two" }] });
    const contents: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await post(`${double.url}/api/chat`, { model: "qwen3:8b", messages: [], stream: false });
      const body = (await response.json()) as { message: { content: string }; done: boolean; eval_count: number };
      expect(body.done).toBe(true);
      contents.push(body.message.content);
    }
    expect(contents).toEqual(["one", "two", "two"]);
    expect(double.requests.map((r) => `${r.method} ${r.path}`)).toEqual(Array(3).fill("POST /api/chat"));
    expect(double.requests[0]?.body).toEqual({ model: "qwen3:8b", messages: [], stream: false });
  });

  it("streams NDJSON chunks ending in a done line with counts", async () => {
    double = await startOllamaDouble({ replies: () => ({ content: "abcdef", chunks: 3, promptTokens: 7, evalTokens: 2 }) });
    const response = await post(`${double.url}/api/chat`, { model: "qwen3:8b", messages: [] });
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await response.text()).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => (l.message as { content: string }).content)).toEqual(["ab", "cd", "ef", ""]);
    expect(lines.at(-1)).toMatchObject({ done: true, done_reason: "stop", prompt_eval_count: 7, eval_count: 2 });
  });

  it("answers tags, show, ps, version and the OpenAI model list", async () => {
    double = await startOllamaDouble({ models: [{ name: "qwen3:8b", contextLength: 40960 }] });
    const json = async (response: Promise<Response>): Promise<unknown> => (await response).json();
    expect(await json(fetch(`${double.url}/api/version`))).toEqual({ version: "0.12.0" });
    expect(await json(fetch(`${double.url}/api/tags`))).toMatchObject({ models: [{ name: "qwen3:8b" }] });
    expect(await json(post(`${double.url}/api/show`, { model: "qwen3:8b" }))).toMatchObject({ model_info: { "qwen3.context_length": 40960 } });
    expect(await json(fetch(`${double.url}/api/ps`))).toEqual({ models: [] });
    await (await post(`${double.url}/api/chat`, { model: "qwen3:8b", messages: [], stream: false })).text();
    expect(await json(fetch(`${double.url}/api/ps`))).toMatchObject({ models: [{ name: "qwen3:8b" }] });
    expect(await json(fetch(`${double.url}/v1/models`))).toMatchObject({ object: "list", data: [{ id: "qwen3:8b" }] });
    expect((await post(`${double.url}/api/show`, { model: "nope" })).status).toBe(404);
  });

  it("answers OpenAI chat completions with usage, streamed or not", async () => {
    double = await startOllamaDouble({ replies: [{ content: "hi", promptTokens: 3, evalTokens: 1 }] });
    const whole = (await (await post(`${double.url}/v1/chat/completions`, { model: "qwen3:8b", messages: [] })).json()) as Record<string, unknown>;
    expect(whole).toMatchObject({ object: "chat.completion", choices: [{ message: { content: "hi" } }], usage: { prompt_tokens: 3, completion_tokens: 1 } });
    const sse = await (await post(`${double.url}/v1/chat/completions`, { model: "qwen3:8b", messages: [], stream: true, stream_options: { include_usage: true } })).text();
    expect(sse.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(sse).toContain('"usage":{"prompt_tokens":3');
  });

  it("requires the bearer token when given one", async () => {
    double = await startOllamaDouble({ token: "t0ken" });
    expect((await fetch(`${double.url}/api/tags`)).status).toBe(401);
    expect((await fetch(`${double.url}/api/tags`, { headers: { authorization: "Bearer t0ken" } })).status).toBe(200);
  });

  it("refuses connections while down and drops stalled replies on close", async () => {
    double = await startOllamaDouble({ replies: [{ content: "stuck", stallAfterChunks: 0 }] });
    await double.setDown(true);
    await expect(fetch(`${double.url}/api/version`)).rejects.toThrow("fetch failed");
    await double.setDown(false);
    const response = await post(`${double.url}/api/chat`, { model: "qwen3:8b", messages: [] });
    expect(double.inFlight()).toBe(1);
    await double.close();
    await expect(response.text()).rejects.toThrow();
    expect(double.inFlight()).toBe(0);
  });
});
