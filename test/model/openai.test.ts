import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, ModelError, ModelUnreachableError } from "../../src/errors.js";
import { createOpenAIProvider } from "../../src/model/openai.js";
import { ask, closeDouble, rejection, start, until } from "./support.js";

afterEach(closeDouble);

describe("openai provider: chat", () => {
  it("streams the reply, assembles it and reports usage", async () => {
    const server = await start({ replies: [{ content: "Hello there, friend.", chunks: 4, promptTokens: 19, evalTokens: 5 }] });
    const provider = createOpenAIProvider({ baseURL: `${server.url}/v1/`, env: {} });
    expect(provider).toMatchObject({ kind: "openai", host: `${server.url}/v1` });
    const reply = await provider.chat(ask());
    expect(reply).toMatchObject({ content: "Hello there, friend.", model: "qwen3:8b", tokensIn: 19, tokensOut: 5 });
    const sent = server.requests.at(-1);
    expect(sent).toMatchObject({ method: "POST", path: "/v1/chat/completions" });
    expect(sent?.body).toMatchObject({ model: "qwen3:8b", stream: true, stream_options: { include_usage: true }, messages: ask().messages });
    expect(sent?.headers.authorization).toBe("Bearer not-needed");
    expect(server.requests).toHaveLength(1);
  });

  it("sends the schema as response_format and maps the options it has names for", async () => {
    const server = await start({ replies: [{ content: '{"answer":42}' }] });
    const format = { type: "object", properties: { answer: { type: "number" } }, required: ["answer"] };
    const provider = createOpenAIProvider({ baseURL: `${server.url}/v1`, env: {} });
    await provider.chat(ask({ format, options: { temperature: 0.2, num_predict: 2048, top_p: 0.9, num_ctx: 16384, keep_alive: "30m" } }));
    const body = server.requests.at(-1)?.body;
    expect(body).toMatchObject({
      response_format: { type: "json_schema", json_schema: { name: "reply", schema: format, strict: false } },
      temperature: 0.2,
      max_tokens: 2048,
      top_p: 0.9,
    });
    expect(body).not.toHaveProperty("num_ctx");
    expect(body).not.toHaveProperty("options");

    await provider.chat(ask({ options: { num_predict: -1 } }));
    expect(server.requests.at(-1)?.body).not.toHaveProperty("max_tokens");
    expect(server.requests.at(-1)?.body).not.toHaveProperty("response_format");
  });

  it("sends the key from the named variable as a bearer token", async () => {
    const server = await start({ token: "sk-local" });
    const provider = createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKeyEnv: "BEAD_TEST_KEY", env: { BEAD_TEST_KEY: "sk-local" } });
    await expect(provider.chat(ask())).resolves.toMatchObject({ content: "ok" });
    expect(server.requests.at(-1)?.headers.authorization).toBe("Bearer sk-local");
    const error = await rejection(createOpenAIProvider({ baseURL: `${server.url}/v1`, env: {} }).chat(ask()));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).data.status).toBe(401);
    expect(() => createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKeyEnv: "NOPE", env: {} })).toThrow(ConfigError);
  });

  it("raises ModelUnreachableError when the server is down, without retrying", async () => {
    const server = await start();
    const provider = createOpenAIProvider({ baseURL: `${server.url}/v1`, env: {} });
    await server.setDown(true);
    const error = await rejection(provider.chat(ask({ timeoutMs: 2000 })));
    expect(error).toBeInstanceOf(ModelUnreachableError);
    expect((error as Error).message).toContain("ECONNREFUSED");
    await expect(provider.listModels()).rejects.toBeInstanceOf(ModelUnreachableError);
    await server.setDown(false);
    await expect(provider.chat(ask())).resolves.toMatchObject({ content: "ok" });
  });

  it("raises ModelError with the server's message and status for an unknown model", async () => {
    const server = await start();
    const error = await rejection(createOpenAIProvider({ baseURL: `${server.url}/v1`, env: {} }).chat(ask({ model: "nosuch:1b" })));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toContain('model "nosuch:1b" not found');
    expect((error as ModelError).data).toMatchObject({ status: 404, model: "nosuch:1b" });
    expect(server.requests).toHaveLength(1);
  });

  it("times out a stalled stream within timeoutMs and closes the connection", async () => {
    const server = await start({ replies: [{ content: "a long answer that never ends", chunks: 6, stallAfterChunks: 2 }] });
    const error = await rejection(createOpenAIProvider({ baseURL: `${server.url}/v1`, env: {} }).chat(ask({ timeoutMs: 300 })));
    expect(error).toBeInstanceOf(ModelError);
    expect(error).not.toBeInstanceOf(ModelUnreachableError);
    expect((error as Error).message).toContain("timed out after 300 ms");
    await until(() => server.inFlight() === 0);
  });

  it("treats no answer at all before the deadline as unreachable", async () => {
    const server = await start({ replies: [{ content: "late", delayMs: 5000 }] });
    const error = await rejection(createOpenAIProvider({ baseURL: `${server.url}/v1`, env: {} }).chat(ask({ timeoutMs: 200 })));
    expect(error).toBeInstanceOf(ModelUnreachableError);
  });

  it("stops on the caller's signal mid-stream with the signal's reason", async () => {
    const server = await start({ replies: [{ content: "never finished", stallAfterChunks: 1 }] });
    const controller = new AbortController();
    const pending = createOpenAIProvider({ baseURL: `${server.url}/v1`, env: {} }).chat(ask({ signal: controller.signal, timeoutMs: 10_000 }));
    await until(() => server.inFlight() === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    const error = await rejection(pending);
    expect((error as Error).name).toBe("AbortError");
    await until(() => server.inFlight() === 0);
  });

  it("raises ModelError on a malformed chunk", async () => {
    const server = await start({ replies: [{ content: "partial", malformed: true }] });
    const error = await rejection(createOpenAIProvider({ baseURL: `${server.url}/v1`, env: {} }).chat(ask()));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toContain("malformed JSON");
  });
});

describe("openai provider: models", () => {
  it("lists the server's models", async () => {
    const server = await start({ models: [{ name: "qwen3:8b" }, { name: "llama3.2:latest" }] });
    const provider = createOpenAIProvider({ baseURL: `${server.url}/v1`, env: {} });
    expect(await provider.listModels()).toEqual([{ name: "qwen3:8b" }, { name: "llama3.2:latest" }]);
    expect(server.requests.at(-1)).toMatchObject({ method: "GET", path: "/v1/models" });
  });
});
