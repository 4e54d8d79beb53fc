/**
 * Reply size cap (issue 14, item 15): test doubles of an Ollama and an OpenAI-compatible server
 * that stream without end. The call is aborted past the cap with a ModelError naming the
 * setting, and the server sees its connection closed (it stops sending).
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ModelError } from "../../src/errors.js";
import { createOllamaProvider } from "../../src/model/ollama.js";
import { createOpenAIProvider } from "../../src/model/openai.js";

interface EndlessServer {
  url: string;
  closed: Promise<number>;
  server: Server;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Streams `chunk()` forever (as fast as the client reads) until the client goes away; resolves with the bytes sent. */
async function endless(contentType: string, chunk: () => string): Promise<EndlessServer> {
  let resolveClosed: (bytes: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (resolveClosed = resolve));
  const server = createServer((req, res: ServerResponse) => {
    req.resume();
    res.writeHead(200, { "content-type": contentType });
    let sent = 0;
    const pump = (): void => {
      while (!res.destroyed) {
        const text = chunk();
        sent += text.length;
        if (!res.write(text)) return void res.once("drain", pump);
      }
    };
    res.on("close", () => resolveClosed(sent));
    pump();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, closed, server };
}

const ask = { model: "m", messages: [{ role: "user" as const, content: "hi" }], timeoutMs: 20_000, maxReplyBytes: 64 * 1024 };

describe("reply size cap", () => {
  it("Ollama: an endless stream of content is aborted past max_reply_bytes", async () => {
    const double = await endless("application/x-ndjson", () => `${JSON.stringify({ model: "m", message: { role: "assistant", content: "x".repeat(512) }, done: false })}\n`);
    const provider = createOllamaProvider({ host: double.url, env: {} });
    const error = await provider.chat(ask).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toMatch(/reply over 65536 bytes.*max_reply_bytes/);
    expect(await double.closed).toBeLessThan(64 * 1024 * 1024);
  });

  it("Ollama: one endless line (no newline ever) is aborted too", async () => {
    const double = await endless("application/x-ndjson", () => "y".repeat(4096));
    const provider = createOllamaProvider({ host: double.url, env: {} });
    const error = await provider.chat(ask).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelError);
    expect(await double.closed).toBeLessThan(64 * 1024 * 1024);
  });

  it("OpenAI-compatible: an endless SSE stream is aborted past max_reply_bytes", async () => {
    const double = await endless("text/event-stream", () => `data: ${JSON.stringify({ id: "1", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta: { content: "z".repeat(512) }, finish_reason: null }] })}\n\n`);
    const provider = createOpenAIProvider({ baseURL: `${double.url}/v1`, env: {} });
    const error = await provider.chat(ask).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toMatch(/max_reply_bytes/);
    expect(await double.closed).toBeLessThan(64 * 1024 * 1024);
  });
});
