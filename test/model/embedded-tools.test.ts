/** The pure half of embedded tool calling: schema mapping, the prompt, reading replies (whole or cut off), the history. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chatHistoryOf, grammarSchemaOf, toolCallFromReply, toolInstructions, toolTurnSchema } from "../../src/model/embedded-tools.js";
import type { ToolDefinition } from "../../src/model/provider.js";

const readFile: ToolDefinition = {
  name: "read_file",
  description: "Read a file.",
  parameters: {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    properties: {
      path: { type: "string", minLength: 1, maxLength: 4096, description: "File path." },
      start_line: { type: "integer", minimum: 1, maximum: 9007199254740991 },
    },
    required: ["path"],
  },
};
const finish: ToolDefinition = {
  name: "finish",
  description: "End the work.",
  parameters: {
    type: "object",
    properties: {
      result: { type: "string" },
      outcome: { type: "string", enum: ["done", "blocked", "failed"] },
      memory: { type: "array", maxItems: 10, items: { type: "object", properties: { note: { type: "string" }, shared: { type: "boolean" }, tag: { type: "string" } }, required: ["note", "shared"] } },
    },
    required: ["result", "outcome"],
  },
};
const tools = [readFile, finish];

describe("grammarSchemaOf", () => {
  it("keeps what the grammar enforces cheaply and drops bounds that would expand into huge grammars", () => {
    expect(grammarSchemaOf(readFile.parameters)).toEqual({
      type: "object",
      properties: { path: { type: "string", minLength: 1 }, start_line: { oneOf: [{ type: "integer" }, { type: "null" }] } },
    });
    expect(grammarSchemaOf({ type: "string", maxLength: 200 })).toEqual({ type: "string", maxLength: 200 });
    expect(grammarSchemaOf({ type: "array", items: { type: "string" }, minItems: 1, maxItems: 100 })).toEqual({ type: "array", items: { type: "string" }, minItems: 1 });
  });

  it("maps anyOf, type lists, enums and consts; anything it cannot read becomes 'any primitive', never 'null only'", () => {
    expect(grammarSchemaOf({ anyOf: [{ type: "string" }, { type: "number" }] })).toEqual({ oneOf: [{ type: "string" }, { type: "number" }] });
    expect(grammarSchemaOf({ type: ["string", "null"] })).toEqual({ type: ["string", "null"] });
    expect(grammarSchemaOf({ type: ["object", "null"], properties: {} })).toEqual({ oneOf: [{ type: "object", properties: {} }, { type: ["null"] }] });
    expect(grammarSchemaOf({ enum: ["a", 1, { x: 1 }] })).toEqual({ enum: ["a", 1] });
    expect(grammarSchemaOf({ const: "x" })).toEqual({ const: "x" });
    const anyPrimitive = { type: ["string", "number", "boolean", "null"] };
    expect(grammarSchemaOf({})).toEqual(anyPrimitive);
    expect(grammarSchemaOf("nonsense")).toEqual(anyPrimitive);
    expect(grammarSchemaOf({ $ref: "#/$defs/x" })).toEqual(anyPrimitive);
  });

  it("ends on a schema nested deeper than any tool's (a bound, not a stack overflow)", () => {
    let deep: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 100; i++) deep = { type: "array", items: deep };
    expect(JSON.stringify(grammarSchemaOf(deep))).toContain('"string","number","boolean","null"');
  });

  it("one turn is one call of one offered tool, the name first", () => {
    const schema = toolTurnSchema(tools) as { oneOf: { properties: Record<string, unknown> }[] };
    expect(schema.oneOf.map((alt) => Object.keys(alt.properties))).toEqual([["tool", "arguments"], ["tool", "arguments"]]);
    expect(schema.oneOf.map((alt) => alt.properties.tool)).toEqual([{ const: "read_file" }, { const: "finish" }]);
  });
});

describe("toolInstructions", () => {
  it("names the reply form, every tool, its arguments and which are required", () => {
    const text = toolInstructions(tools);
    expect(text).toContain('{"tool": "<name>", "arguments": {...}}');
    expect(text).toContain("- read_file: Read a file.");
    expect(text).toContain("path (string, required): File path.");
    expect(text).toContain("start_line (integer):");
    expect(text).toContain('outcome ("done" | "blocked" | "failed", required)');
    expect(text).toContain("memory (array of {note: string, shared: boolean, tag: string})");
  });
});

describe("toolCallFromReply", () => {
  it("a whole reply: the name, and the arguments as JSON text without the nulls written for optional properties, at any depth", () => {
    const text = JSON.stringify({ tool: "finish", arguments: { result: "ok", outcome: "done", memory: [{ note: "n", shared: false, tag: null }] } });
    const call = toolCallFromReply(text, tools, "call_1");
    expect(call).toEqual({ id: "call_1", name: "finish", arguments: JSON.stringify({ result: "ok", outcome: "done", memory: [{ note: "n", shared: false }] }) });
    expect(JSON.parse(toolCallFromReply('{"tool":"read_file","arguments":{"path":"a","start_line":null}}', tools, "c").arguments)).toEqual({ path: "a" });
  });

  it("keeps a null written for a required property, for the harness to refuse", () => {
    expect(JSON.parse(toolCallFromReply('{"tool":"read_file","arguments":{"path":null}}', tools, "c").arguments)).toEqual({ path: null });
  });

  it("a reply cut off after the name: that name, and the argument fragment, which is not JSON", () => {
    const call = toolCallFromReply('{"tool": "read_file", "arguments": {"path": "src/', tools, "c");
    expect(call.name).toBe("read_file");
    expect(call.arguments).toBe('{"path": "src/');
    expect(() => JSON.parse(call.arguments)).toThrow();
  });

  it("a reply cut off inside the name: the one offered tool it can still be, else no name", () => {
    expect(toolCallFromReply('{"tool":"rea', tools, "c").name).toBe("read_file");
    expect(toolCallFromReply('{"tool":"', tools, "c").name).toBe("");
    expect(toolCallFromReply('{"to', tools, "c")).toEqual({ id: "c", name: "", arguments: '{"to' });
  });

  it("any cut of a valid reply names the right tool or none, and the right one once the name is written", () => {
    fc.assert(
      fc.property(fc.constantFrom(...tools), fc.string({ maxLength: 30 }), fc.nat(), (tool, text, cut) => {
        const reply = JSON.stringify({ tool: tool.name, arguments: { result: text, path: text } });
        const at = cut % (reply.length + 1);
        const { name } = toolCallFromReply(reply.slice(0, at), tools, "c");
        expect(["", tool.name]).toContain(name);
        if (at >= `{"tool":"${tool.name}"`.length) expect(name).toBe(tool.name);
      }),
    );
  });
});

describe("chatHistoryOf", () => {
  it("joins system turns with the tool instructions, renders calls and results, merges adjacent turns and splits off the prompt", () => {
    const { system, history, prompt } = chatHistoryOf(
      [
        { role: "system", content: "You are an agent." },
        { role: "user", content: "Do the bead." },
        { role: "system", content: "Use the tools." },
        { role: "assistant", content: "", toolCalls: [{ id: "1", name: "read_file", arguments: '{"path":"a"}' }] },
        { role: "tool", content: "file text", toolCallId: "1", toolName: "read_file" },
        { role: "assistant", content: "", toolCalls: [{ id: "2", name: "read_file", arguments: '{"path":' }] },
        { role: "tool", content: "not JSON", toolCallId: "2", toolName: "read_file" },
        { role: "user", content: "Call finish now." },
      ],
      "TOOLS",
    );
    expect(system).toBe("You are an agent.\n\nUse the tools.\n\nTOOLS");
    expect(history).toEqual([
      { type: "user", text: "Do the bead." },
      { type: "model", response: ['{"tool":"read_file","arguments":{"path":"a"}}'] },
      { type: "user", text: "Result of read_file:\nfile text" },
      { type: "model", response: ['{"tool":"read_file","arguments":"{\\"path\\":"}'] },
    ]);
    expect(prompt).toBe("Result of read_file:\nnot JSON\n\nCall finish now.");
  });

  it("a plain chat is unchanged: system prompt, earlier turns, the last user turn as the prompt", () => {
    expect(chatHistoryOf([{ role: "system", content: "S" }, { role: "user", content: "a" }, { role: "assistant", content: "b" }, { role: "user", content: "c" }])).toEqual({
      system: "S",
      history: [{ type: "user", text: "a" }, { type: "model", response: ["b"] }],
      prompt: "c",
    });
  });
});
