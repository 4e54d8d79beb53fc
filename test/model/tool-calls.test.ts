/** Native tool calling through both protocols, against the Ollama/OpenAI protocol double. */
import { afterEach, describe, expect, it } from "vitest";
import { createOllamaProvider } from "../../src/model/ollama.js";
import { createOpenAIProvider } from "../../src/model/openai.js";
import type { ChatMessage, ToolDefinition } from "../../src/model/provider.js";
import { ask, closeDouble, start } from "./support.js";

afterEach(closeDouble);

const readFile: ToolDefinition = {
  name: "read_file",
  description: "Read a file of the workspace.",
  parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
};

const history: ChatMessage[] = [
  { role: "user", content: "Fix the test." },
  { role: "assistant", content: "", toolCalls: [{ id: "call_7", name: "read_file", arguments: '{"path":"a.js"}' }] },
  { role: "tool", content: "1: export const a = 1;", toolCallId: "call_7", toolName: "read_file" },
];

describe("tool calling: ollama", () => {
  it("sends tools and tool turns in Ollama's shape and returns the calls with their arguments as JSON text", async () => {
    const server = await start({ replies: [{ content: "", toolCalls: [{ name: "read_file", arguments: { path: "src/x.js" } }, { name: "finish", arguments: { result: "ok" } }] }] });
    const reply = await createOllamaProvider({ host: server.url, env: {} }).chat(ask({ messages: history, tools: [readFile] }));
    expect(reply.toolCalls).toEqual([
      { id: "call_1", name: "read_file", arguments: '{"path":"src/x.js"}' },
      { id: "call_2", name: "finish", arguments: '{"result":"ok"}' },
    ]);
    const body = server.requests.at(-1)?.body as Record<string, unknown>;
    expect(body.tools).toEqual([{ type: "function", function: { name: "read_file", description: readFile.description, parameters: readFile.parameters } }]);
    expect(body.messages).toEqual([
      { role: "user", content: "Fix the test." },
      { role: "assistant", content: "", tool_calls: [{ function: { name: "read_file", arguments: { path: "a.js" } } }] },
      { role: "tool", content: "1: export const a = 1;", tool_name: "read_file" },
    ]);
  });

  it("a plain reply has no toolCalls and the request no tools", async () => {
    const server = await start({ replies: [{ content: "just text" }] });
    const reply = await createOllamaProvider({ host: server.url, env: {} }).chat(ask());
    expect(reply.content).toBe("just text");
    expect(reply.toolCalls).toBeUndefined();
    expect(server.requests.at(-1)?.body).not.toHaveProperty("tools");
  });
});

describe("tool calling: openai", () => {
  it("assembles streamed argument fragments, keeps the server's ids and sends tool_call_id back", async () => {
    const server = await start({ replies: [{ content: "Let me look.", toolCalls: [{ name: "read_file", arguments: { path: "src/x.js" } }, { name: "run", arguments: { command: ["node", "--test"] } }] }] });
    const reply = await createOpenAIProvider({ baseURL: `${server.url}/v1`, env: {} }).chat(ask({ messages: history, tools: [readFile] }));
    expect(reply.content).toBe("Let me look.");
    expect(reply.toolCalls).toEqual([
      { id: "call_double_0", name: "read_file", arguments: '{"path":"src/x.js"}' },
      { id: "call_double_1", name: "run", arguments: '{"command":["node","--test"]}' },
    ]);
    const body = server.requests.at(-1)?.body as Record<string, unknown>;
    expect(body.tools).toEqual([{ type: "function", function: { name: "read_file", description: readFile.description, parameters: readFile.parameters } }]);
    expect(body.messages).toEqual([
      { role: "user", content: "Fix the test." },
      { role: "assistant", content: null, tool_calls: [{ id: "call_7", type: "function", function: { name: "read_file", arguments: '{"path":"a.js"}' } }] },
      { role: "tool", content: "1: export const a = 1;", tool_call_id: "call_7" },
    ]);
  });

  it("passes malformed arguments through as text for the harness to refuse", async () => {
    const server = await start({ replies: [{ toolCalls: [{ name: "edit_file", arguments: '{"path": "a.js", "old_text": ' }] }] });
    const reply = await createOpenAIProvider({ baseURL: `${server.url}/v1`, env: {} }).chat(ask({ tools: [readFile] }));
    expect(reply.toolCalls).toEqual([{ id: "call_double_0", name: "edit_file", arguments: '{"path": "a.js", "old_text": ' }]);
  });

  it("counts tool-call arguments toward the reply cap", async () => {
    const server = await start({ replies: [{ toolCalls: [{ name: "write_file", arguments: { path: "a.js", content: "x".repeat(5000) } }] }] });
    const provider = createOpenAIProvider({ baseURL: `${server.url}/v1`, env: {} });
    await expect(provider.chat(ask({ tools: [readFile], maxReplyBytes: 1000 }))).rejects.toThrow(/1000/);
  });
});
