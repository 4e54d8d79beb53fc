/**
 * One schema-constrained JSON action per turn, for models without native tool calling: the pure
 * parts, the loop against the Ollama protocol double (switching by itself when the server says
 * the model does not support tools), and an agent file with `tool_calls: json` through the worker.
 */
import { describe, expect, it } from "vitest";
import * as z from "../../src/schema/zod.js";
import { ModelError } from "../../src/errors.js";
import { actionFormat, lacksNativeTools, parseAction } from "../../src/harness/json-actions.js";
import { runToolLoop } from "../../src/harness/loop.js";
import type { HarnessTool } from "../../src/harness/tool.js";
import { definitionsOf } from "../../src/harness/calls.js";
import { finishTool } from "../../src/harness/tools/finish.js";
import { createOllamaProvider } from "../../src/model/ollama.js";
import { type OllamaDouble, type Reply } from "../helpers/ollama-double.js";
import { makeTempBoard } from "../helpers/temp-board.js";
import { bead, chats, superviseOnce, ollamaDoubleOfEachTest } from "../agent/support.js";
import { FIXED, PROJECT, actingAgent, fixBead } from "./act-support.js";

let double: OllamaDouble;
ollamaDoubleOfEachTest((started) => (double = started));

const echo: HarnessTool = {
  name: "echo",
  description: "Repeat the text.",
  schema: z.object({ text: z.string() }) as z.ZodMiniType<unknown>,
  run: async (input) => ({ text: `echo: ${(input as { text: string }).text}` }),
};
const action = (tool: string, args: unknown): Reply => ({ content: JSON.stringify({ tool, arguments: args }) });
type Sent = { messages: Array<{ role: string; content: string; tool_calls?: unknown }>; tools?: unknown; format?: { anyOf: Array<{ properties: { tool: { enum: string[] } } }> } };
const sent = (i: number) => chats(double)[i]?.body as Sent;

describe("JSON actions, pure", () => {
  it("the format admits one offered tool with its own arguments", () => {
    const format = actionFormat(definitionsOf([echo, finishTool as HarnessTool])) as Sent["format"];
    expect(format?.anyOf.map((option) => option.properties.tool.enum)).toEqual([["echo"], ["finish"]]);
  });

  it("parses an action into a tool call, and says what is wrong with anything else", () => {
    expect(parseAction('{"tool":"echo","arguments":{"text":"hi"}}', 4)).toEqual({ call: { id: "action_4", name: "echo", arguments: '{"text":"hi"}' } });
    expect(parseAction('{"tool":"echo","arguments":"{bad"}', 1)).toEqual({ call: { id: "action_1", name: "echo", arguments: "{bad" } });
    expect(parseAction("I will now read the file.", 1)).toMatchObject({ error: expect.stringMatching(/^Your reply was not one JSON object/) });
    expect(parseAction('{"arguments":{}}', 1)).toMatchObject({ error: expect.stringContaining('no "tool" name') });
    expect(parseAction("[1,2]", 1)).toMatchObject({ error: expect.stringContaining('no "tool" name') });
  });

  it("knows the server's refusal of tools from other 400s", () => {
    expect(lacksNativeTools(new ModelError("model server x answered 400: registry.ollama.ai/library/gemma:2b does not support tools", { status: 400 }))).toBe(true);
    expect(lacksNativeTools(new ModelError("model server x answered 400: invalid options", { status: 400 }))).toBe(false);
    expect(lacksNativeTools(new Error("does not support tools"))).toBe(false);
  });
});

describe("JSON actions in the loop", () => {
  const loop = (replies: Reply[], actionMode?: "json") => {
    double.setReplies(replies);
    const notes: string[] = [];
    return runToolLoop({
      provider: createOllamaProvider({ host: double.url, env: {} }),
      model: "qwen3:8b",
      messages: [{ role: "user", content: "Do the bead." }],
      tools: { echo, finish: finishTool as HarnessTool },
      ctx: { root: "/nonexistent", allow: [] },
      gate: () => ({ allowed: true }),
      onNote: (line) => notes.push(line),
      ...(actionMode ? { actionMode } : {}),
    }).then((outcome) => ({ outcome, notes }));
  };

  it("switches by itself when the server says the model does not support tools; results come back as user turns", async () => {
    const { outcome, notes } = await loop([
      { status: 400, error: "registry.ollama.ai/library/gemma:2b does not support tools" },
      action("echo", { text: "one" }),
      action("finish", { result: "done via JSON", outcome: "done" }),
    ]);
    expect(outcome).toMatchObject({ stop: "finish", steps: 2, reply: { result: "done via JSON" } });
    expect(notes).toEqual(["qwen3:8b has no native tool calling here; one JSON action per turn"]);
    expect(sent(0).tools).toBeDefined();
    expect(sent(1).tools).toBeUndefined();
    expect(sent(1).format?.anyOf).toHaveLength(2);
    expect(sent(1).messages.at(-1)?.content).toMatch(/^Act by replying with exactly one JSON object per turn/);
    expect(sent(2).messages.at(-1)).toEqual({ role: "user", content: "Result of echo:\necho: one" });
    expect(sent(2).messages.some((m) => m.role === "tool" || m.tool_calls !== undefined)).toBe(false);
  });

  it("a reply that is not an action is a tool_error the model reads; repeats are bounded like any call", async () => {
    const { outcome } = await loop([{ content: "Sure! Let me look." }, ...Array.from({ length: 5 }, () => action("echo", { text: "same" }))], "json");
    expect(outcome.stop).toBe("loop");
    expect(sent(1).messages.at(-1)?.content).toMatch(/^Your reply was not one JSON object/);
    expect(chats(double)).toHaveLength(4);
  });

  it("another 400 is not taken for a missing tool feature", async () => {
    await expect(loop([{ status: 400, error: "invalid option num_ctx" }])).rejects.toBeInstanceOf(ModelError);
    expect(chats(double)).toHaveLength(1);
  });
});

describe("tool_calls: json through the worker", () => {
  it("fixes the bead on bead/<id> with JSON actions", async () => {
    const board = await makeTempBoard({ "agents/codemonkey.md": actingAgent("codemonkey", double.url, ["edit_file"], ["tool_calls: json"]), ...fixBead(), ...PROJECT });
    double.setReplies([action("edit_file", { path: "sum.mjs", old_text: "a - b", new_text: "a + b" }), action("finish", { result: "Fixed.", outcome: "done" })]);
    const { outcomes, logs } = await superviseOnce(board.dir);
    expect(outcomes, logs.join("\n")).toEqual({ codemonkey: { done: 1 } });
    expect(board.git(["show", "bead/bb-fix:sum.mjs"])).toBe(FIXED);
    expect(bead(board.dir, "bb-fix").fields.status).toBe("done");
    expect(sent(0).tools).toBeUndefined();
    expect(sent(0).format).toBeDefined();
  });
});
