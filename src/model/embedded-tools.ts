/**
 * Tool calling for the embedded provider, pure: no engine, no I/O. A request with `tools` is
 * answered under a JSON-schema grammar that admits exactly one action per turn,
 * `{"tool": <name>, "arguments": {...}}`, with the arguments held to that tool's own schema. The
 * shape can then not be wrong, even from a random-weight model; whether the call makes sense is the
 * harness's business (it validates and refuses). Native function-calling syntaxes differ per chat
 * template and a small model may ignore them; a grammar does not depend on either.
 */
import type { ChatMessage, ToolCall, ToolDefinition } from "./provider.js";

/** The subset of JSON Schema node-llama-cpp's grammar generator understands (GbnfJsonSchema). */
export type GrammarSchema = Record<string, unknown>;

/**
 * Bounds above these are dropped from the grammar: llama.cpp expands `x{0,n}` into n rules, so a
 * tool's `maxLength: 1048576` would build a grammar of a million rules. The tool's own validation
 * (src/harness/calls.ts) still enforces the full bound on what the model wrote.
 */
const MAX_GRAMMAR_LENGTH = 256;
const MAX_GRAMMAR_ITEMS = 16;
/** Deeper schemas are cut to "any primitive": tool arguments are shallow, and recursion must end. */
const MAX_SCHEMA_DEPTH = 8;

const IMMUTABLE_TYPES = new Set(["string", "number", "integer", "boolean", "null"]);
const ANY_PRIMITIVE: GrammarSchema = { type: ["string", "number", "boolean", "null"] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function smallBound(value: unknown, limit: number): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= limit ? value : undefined;
}

/**
 * A tool's JSON Schema (draft-7, as zod writes it) mapped onto what the grammar can enforce.
 * Optional properties become "value or null", as the grammar makes every listed key required;
 * `argumentsFromModel` removes those nulls again before the harness sees the arguments.
 */
export function grammarSchemaOf(schema: unknown, depth = 0): GrammarSchema {
  if (!isRecord(schema) || depth > MAX_SCHEMA_DEPTH) return ANY_PRIMITIVE;
  if ("const" in schema) return { const: schema.const };
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return { enum: schema.enum.filter((v) => v === null || ["string", "number", "boolean"].includes(typeof v)) };
  const alternatives = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (alternatives && alternatives.length > 0) return { oneOf: alternatives.map((alt) => grammarSchemaOf(alt, depth + 1)) };
  const type = schema.type;
  if (Array.isArray(type)) {
    const simple = type.filter((t): t is string => typeof t === "string" && IMMUTABLE_TYPES.has(t));
    const complex = type.filter((t) => t === "object" || t === "array").map((t) => grammarSchemaOf({ ...schema, type: t }, depth + 1));
    if (complex.length === 0) return simple.length > 0 ? { type: simple } : ANY_PRIMITIVE;
    return { oneOf: [...complex, ...(simple.length > 0 ? [{ type: simple }] : [])] };
  }
  switch (type) {
    case "object":
      return objectSchema(schema, depth);
    case "array": {
      const minItems = smallBound(schema.minItems, MAX_GRAMMAR_ITEMS);
      const maxItems = smallBound(schema.maxItems, MAX_GRAMMAR_ITEMS);
      return { type: "array", items: grammarSchemaOf(schema.items, depth + 1), ...(minItems ? { minItems } : {}), ...(maxItems === undefined ? {} : { maxItems }) };
    }
    case "string": {
      const minLength = smallBound(schema.minLength, MAX_GRAMMAR_LENGTH);
      const maxLength = smallBound(schema.maxLength, MAX_GRAMMAR_LENGTH);
      return { type: "string", ...(minLength ? { minLength } : {}), ...(maxLength === undefined ? {} : { maxLength }) };
    }
    case "number":
    case "integer":
    case "boolean":
    case "null":
      return { type };
    default:
      return ANY_PRIMITIVE;
  }
}

function objectSchema(schema: Record<string, unknown>, depth: number): GrammarSchema {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === "string") : []);
  const mapped: Record<string, GrammarSchema> = {};
  for (const [key, value] of Object.entries(properties)) {
    const inner = grammarSchemaOf(value, depth + 1);
    mapped[key] = required.has(key) ? inner : { oneOf: [inner, { type: "null" }] };
  }
  return { type: "object", properties: mapped };
}

/** The grammar of one turn: exactly one call of one offered tool, the name first so a cut-off reply still names it. */
export function toolTurnSchema(tools: ToolDefinition[]): GrammarSchema {
  return {
    oneOf: tools.map((tool) => ({
      type: "object",
      properties: { tool: { const: tool.name }, arguments: grammarSchemaOf(tool.parameters) },
    })),
  };
}

/** A one-line description of an argument's type, for the prompt (compact: a small model's context is short). */
function typeText(schema: unknown, depth = 0): string {
  if (!isRecord(schema) || depth > 3) return "any";
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.type === "array") return `array of ${typeText(schema.items, depth + 1)}`;
  if (schema.type === "object" && isRecord(schema.properties)) {
    return `{${Object.entries(schema.properties).map(([k, v]) => `${k}: ${typeText(v, depth + 1)}`).join(", ")}}`;
  }
  return typeof schema.type === "string" ? schema.type : "any";
}

/** What the model reads about the tools: the one-object reply form, then each tool and its arguments. */
export function toolInstructions(tools: ToolDefinition[]): string {
  const lines = [
    'Act by replying with exactly one JSON object {"tool": "<name>", "arguments": {...}}: it calls one tool, and you then see its result. ' +
      "Optional arguments may be null. Tools:",
  ];
  for (const tool of tools) {
    lines.push(`- ${tool.name}: ${tool.description}`);
    const properties = isRecord(tool.parameters.properties) ? tool.parameters.properties : {};
    const required = new Set(Array.isArray(tool.parameters.required) ? tool.parameters.required : []);
    for (const [key, value] of Object.entries(properties)) {
      const description = isRecord(value) && typeof value.description === "string" ? ` ${value.description}` : "";
      lines.push(`  ${key} (${typeText(value)}${required.has(key) ? ", required" : ""}):${description}`);
    }
  }
  return lines.join("\n");
}

/** Drops the nulls the grammar let the model write for optional properties, at every depth. */
function withoutOptionalNulls(value: unknown, schema: unknown): unknown {
  if (Array.isArray(value)) return isRecord(schema) ? value.map((item) => withoutOptionalNulls(item, schema.items)) : value;
  if (!isRecord(value) || !isRecord(schema) || !isRecord(schema.properties)) return value;
  const properties = schema.properties;
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const kept: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null && !required.has(key)) continue;
    kept[key] = withoutOptionalNulls(item, properties[key]);
  }
  return kept;
}

const CUT_OFF_NAME = /^\s*\{\s*"tool"\s*:\s*"([^"\\]*)("?)/;
const CUT_OFF_ARGUMENTS = /"arguments"\s*:\s*([\s\S]*)$/;

/** The tool a cut-off reply names: whole, or cut inside the name but a prefix of one offered name only (the grammar admits no other). */
function cutOffName(text: string, tools: ToolDefinition[]): string {
  const match = CUT_OFF_NAME.exec(text);
  if (!match) return "";
  const written = match[1] ?? "";
  if (match[2]) return written;
  const candidates = tools.filter((t) => t.name.startsWith(written));
  return candidates.length === 1 && candidates[0] ? candidates[0].name : "";
}

/**
 * The call a grammar-constrained reply makes. A reply cut off by the token limit or a deadline is
 * not valid JSON: it still becomes a call (its name if it got that far, its arguments as the raw
 * text), so the harness refuses it as a tool error and counts a step, instead of taking the
 * fragment for a text answer.
 */
export function toolCallFromReply(text: string, tools: ToolDefinition[], id: string): ToolCall {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { id, name: cutOffName(text, tools), arguments: CUT_OFF_ARGUMENTS.exec(text)?.[1] ?? text };
  }
  const name = isRecord(parsed) && typeof parsed.tool === "string" ? parsed.tool : "";
  const args = isRecord(parsed) ? parsed.arguments : undefined;
  const tool = tools.find((t) => t.name === name);
  return { id, name, arguments: JSON.stringify(withoutOptionalNulls(args ?? {}, tool?.parameters)) };
}

export type HistoryItem = { type: "system"; text: string } | { type: "user"; text: string } | { type: "model"; response: string[] };

/** An earlier call as the model wrote it under the grammar, so the conversation reads in one form. */
function callText(call: ToolCall): string {
  let args: unknown = call.arguments;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    // kept as the raw text the model wrote
  }
  return JSON.stringify({ tool: call.name, arguments: args });
}

/**
 * The chat as node-llama-cpp's history: system turns joined into one system prompt, tool results
 * as user turns naming the tool, adjacent turns of one side merged (chat templates alternate), and
 * the last user turn split off as the prompt to answer.
 */
export function chatHistoryOf(messages: ChatMessage[], extraSystem?: string): { system: string; history: HistoryItem[]; prompt: string } {
  const system = [...messages.filter((m) => m.role === "system").map((m) => m.content), ...(extraSystem ? [extraSystem] : [])].join("\n\n");
  const turns: HistoryItem[] = [];
  for (const message of messages) {
    if (message.role === "system") continue;
    if (message.role === "assistant") {
      const text = message.toolCalls && message.toolCalls.length > 0 ? message.toolCalls.map(callText).join("\n") : message.content;
      const last = turns.at(-1);
      if (last?.type === "model") last.response.push(text);
      else turns.push({ type: "model", response: [text] });
      continue;
    }
    const text = message.role === "tool" ? `Result of ${message.toolName ?? "the tool"}:\n${message.content}` : message.content;
    const last = turns.at(-1);
    if (last?.type === "user") last.text = `${last.text}\n\n${text}`;
    else turns.push({ type: "user", text });
  }
  const last = turns.at(-1);
  if (last?.type !== "user") return { system, history: turns, prompt: "" };
  return { system, history: turns.slice(0, -1), prompt: last.text };
}
