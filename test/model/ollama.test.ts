import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, ModelError, ModelUnreachableError } from "../../src/errors.js";
import { contextLengthOf, createOllamaProvider, resolveOllamaHost } from "../../src/model/ollama.js";
import { ask, closeDouble, rejection, start, until } from "./support.js";

afterEach(closeDouble);

describe("ollama provider: chat", () => {
  it("streams the reply, assembles it and reports the server's token counts", async () => {
    const server = await start({ replies: [{ content: "Hello there, friend.", chunks: 5, promptTokens: 21, evalTokens: 6 }] });
    const provider = createOllamaProvider({ host: server.url });
    const reply = await provider.chat(ask());
    expect(reply).toMatchObject({ content: "Hello there, friend.", model: "qwen3:8b", tokensIn: 21, tokensOut: 6 });
    expect(reply.durationMs).toBeGreaterThanOrEqual(0);
    expect(provider.kind).toBe("ollama");
    expect(provider.host).toBe(server.url);
    const sent = server.requests.at(-1);
    expect(sent).toMatchObject({ method: "POST", path: "/api/chat" });
    expect(sent?.body).toMatchObject({ model: "qwen3:8b", stream: true, messages: ask().messages });
  });

  it("sends format and options as given, with keep_alive lifted to the request", async () => {
    const server = await start({ replies: [{ content: '{"answer":42}' }] });
    const format = { type: "object", properties: { answer: { type: "number" } }, required: ["answer"] };
    const provider = createOllamaProvider({ host: server.url });
    const reply = await provider.chat(ask({ format, options: { num_ctx: 16384, num_predict: 2048, temperature: 0.2, keep_alive: "30m" } }));
    expect(JSON.parse(reply.content)).toEqual({ answer: 42 });
    const body = server.requests.at(-1)?.body;
    expect(body).toMatchObject({ format, keep_alive: "30m", options: { num_ctx: 16384, num_predict: 2048, temperature: 0.2 } });
    expect(body).not.toHaveProperty("options.keep_alive");
  });

  it("sends the bearer token from the named variable", async () => {
    const server = await start({ token: "s3cret" });
    const provider = createOllamaProvider({ host: server.url, apiKeyEnv: "BEAD_TEST_KEY", env: { BEAD_TEST_KEY: "s3cret" } });
    await expect(provider.chat(ask())).resolves.toMatchObject({ content: "ok" });
    expect(server.requests.at(-1)?.headers.authorization).toBe("Bearer s3cret");

    const anonymous = createOllamaProvider({ host: server.url, env: {} });
    const error = await rejection(anonymous.chat(ask()));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).data.status).toBe(401);
  });

  it("refuses to start when the named key variable is unset", () => {
    expect(() => createOllamaProvider({ host: "http://127.0.0.1:1", apiKeyEnv: "NOPE", env: {} })).toThrow(ConfigError);
  });

  it("raises ModelUnreachableError when the server is down, and recovers when it is back", async () => {
    const server = await start();
    const provider = createOllamaProvider({ host: server.url });
    await server.setDown(true);
    const error = await rejection(provider.chat(ask({ timeoutMs: 2000 })));
    expect(error).toBeInstanceOf(ModelUnreachableError);
    expect((error as ModelUnreachableError).data).toMatchObject({ host: server.url });
    expect(String((error as Error).message)).toContain("ECONNREFUSED");
    await expect(provider.listModels()).rejects.toBeInstanceOf(ModelUnreachableError);
    await server.setDown(false);
    await expect(provider.chat(ask())).resolves.toMatchObject({ content: "ok" });
  });

  it("raises ModelError with the server's message and status for an unknown model", async () => {
    const server = await start();
    const provider = createOllamaProvider({ host: server.url });
    const error = await rejection(provider.chat(ask({ model: "nosuch:1b" })));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toContain('model "nosuch:1b" not found');
    expect((error as ModelError).data).toMatchObject({ status: 404, model: "nosuch:1b" });
  });

  it("raises ModelError for a server error status", async () => {
    const server = await start({ replies: [{ status: 500, error: "llama runner process has terminated" }] });
    const error = await rejection(createOllamaProvider({ host: server.url }).chat(ask()));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toContain("llama runner process has terminated");
    expect((error as ModelError).data.status).toBe(500);
  });

  it("times out a stalled stream within timeoutMs and closes the connection", async () => {
    const server = await start({ replies: [{ content: "a long answer that never ends", chunks: 6, stallAfterChunks: 2 }] });
    const provider = createOllamaProvider({ host: server.url });
    const error = await rejection(provider.chat(ask({ timeoutMs: 300 })));
    expect(error).toBeInstanceOf(ModelError);
    expect(error).not.toBeInstanceOf(ModelUnreachableError);
    expect((error as ModelError).message).toContain("timed out after 300 ms");
    await until(() => server.inFlight() === 0);
  });

  it("treats no answer at all before the deadline as unreachable", async () => {
    const server = await start({ replies: [{ content: "late", delayMs: 5000 }] });
    const error = await rejection(createOllamaProvider({ host: server.url }).chat(ask({ timeoutMs: 200 })));
    expect(error).toBeInstanceOf(ModelUnreachableError);
    expect((error as Error).message).toContain("no answer within 200 ms");
  });

  it("stops on the caller's signal with the signal's reason and closes the connection", async () => {
    const server = await start({ replies: [{ content: "never finished", stallAfterChunks: 1 }] });
    const controller = new AbortController();
    const pending = createOllamaProvider({ host: server.url }).chat(ask({ signal: controller.signal, timeoutMs: 10_000 }));
    await until(() => server.inFlight() === 1);
    controller.abort();
    const error = await rejection(pending);
    expect((error as Error).name).toBe("AbortError");
    await until(() => server.inFlight() === 0);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const server = await start();
    const reason = new Error("shutting down");
    const error = await rejection(createOllamaProvider({ host: server.url }).chat(ask({ signal: AbortSignal.abort(reason) })));
    expect(error).toBe(reason);
  });

  it("raises ModelError on a malformed line instead of skipping it", async () => {
    const server = await start({ replies: [{ content: "partial", malformed: true }] });
    const error = await rejection(createOllamaProvider({ host: server.url }).chat(ask()));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toContain("malformed JSON");
  });

  it("raises ModelError when the server drops the connection mid-reply", async () => {
    const server = await start({ replies: [{ content: "cut short", stallAfterChunks: 1 }] });
    const pending = createOllamaProvider({ host: server.url }).chat(ask({ timeoutMs: 10_000 }));
    await until(() => server.inFlight() === 1);
    await server.setDown(true);
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).not.toBeInstanceOf(ModelUnreachableError);
  });
});

describe("ollama provider: models and hosts", () => {
  it("lists models with the context length from /api/show", async () => {
    const server = await start({ models: [{ name: "qwen3:8b", contextLength: 40960 }, { name: "llama3.2:latest", family: "llama", contextLength: 131072 }, { name: "mystery:1b" }] });
    const provider = createOllamaProvider({ host: server.url });
    expect(await provider.listModels()).toEqual([
      { name: "qwen3:8b", contextLength: 40960 },
      { name: "llama3.2:latest", contextLength: 131072 },
      { name: "mystery:1b" },
    ]);
    expect(await contextLengthOf(provider, "llama3.2")).toBe(131072);
    expect(await contextLengthOf(provider, "absent")).toBeUndefined();
    expect(server.requests.filter((r) => r.path === "/api/show").map((r) => r.body)).toContainEqual({ model: "qwen3:8b" });
  });

  it("resolves the host: explicit, then OLLAMA_HOST in its usual spellings, then the default", () => {
    expect(resolveOllamaHost(undefined, {})).toBe("http://127.0.0.1:11434");
    expect(resolveOllamaHost("http://10.0.0.5:11434/", { OLLAMA_HOST: "0.0.0.0" })).toBe("http://10.0.0.5:11434");
    expect(resolveOllamaHost(undefined, { OLLAMA_HOST: "0.0.0.0:11434" })).toBe("http://127.0.0.1:11434");
    expect(resolveOllamaHost(undefined, { OLLAMA_HOST: "gpu-box:8000" })).toBe("http://gpu-box:8000");
    expect(resolveOllamaHost(undefined, { OLLAMA_HOST: "gpu-box" })).toBe("http://gpu-box:11434");
    expect(resolveOllamaHost(undefined, { OLLAMA_HOST: ":9999" })).toBe("http://127.0.0.1:9999");
    expect(resolveOllamaHost(undefined, { OLLAMA_HOST: "https://ollama.example/api-proxy/" })).toBe("https://ollama.example/api-proxy");
    expect(resolveOllamaHost(undefined, { OLLAMA_HOST: "  " })).toBe("http://127.0.0.1:11434");
  });

  it("talks to the server named by OLLAMA_HOST without a scheme", async () => {
    const server = await start();
    const provider = createOllamaProvider({ env: { OLLAMA_HOST: server.url.replace("http://", "") } });
    expect(provider.host).toBe(server.url);
    await expect(provider.chat(ask())).resolves.toMatchObject({ content: "ok" });
    expect(server.requests).toHaveLength(1);
  });
});
