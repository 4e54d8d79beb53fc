/**
 * One tool call from a model, made safe to run: parse its raw JSON arguments, validate them with
 * the tool's schema, and say in plain words what was wrong when they are not right. Pure but for
 * the tool's own run().
 */
import * as z from "../schema/zod.js";
import type { ToolCall, ToolDefinition } from "../model/provider.js";
import type { GuardrailCategory, HarnessTool, ToolContext, ToolResult } from "./tool.js";

export type { GuardrailCategory } from "./tool.js";

export type CallOutcome =
  | { kind: "ran"; input: unknown; result: ToolResult }
  | { kind: "refused" | "error"; input: unknown; text: string; category: GuardrailCategory };

/** JSON Schema of one tool's arguments, flat (no $schema), as providers send it. */
export function toolParameters(tool: HarnessTool): Record<string, unknown> {
  const schema = z.toJSONSchema(tool.schema, { target: "draft-7", io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

export function definitionsOf(tools: readonly HarnessTool[]): ToolDefinition[] {
  return tools.map((tool) => ({ name: tool.name, description: tool.description, parameters: toolParameters(tool) }));
}

/** A stable key for "the same call with the same arguments": key order in the JSON does not matter. */
export function callKey(call: ToolCall): string {
  try {
    return `${call.name}\u0000${JSON.stringify(sortKeys(JSON.parse(call.arguments) as unknown))}`;
  } catch {
    return `${call.name}\u0000${call.arguments}`;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, sortKeys(v)]));
}

export async function runCall(call: ToolCall, offered: Map<string, HarnessTool>, ctx: ToolContext): Promise<CallOutcome> {
  const tool = offered.get(call.name);
  if (!tool) {
    const names = [...offered.keys()].join(", ");
    return { kind: "refused", input: undefined, category: "tool_refused", text: `Unknown tool "${clipName(call.name)}". Call one of: ${names}.` };
  }
  let raw: unknown;
  try {
    raw = call.arguments.trim() === "" ? {} : (JSON.parse(call.arguments) as unknown);
  } catch (error) {
    return { kind: "error", input: undefined, category: "tool_error", text: `The arguments of ${tool.name} are not valid JSON (${(error as Error).message}). Send one JSON object.` };
  }
  const parsed = z.safeParse(tool.schema, raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(arguments)"}: ${issue.message}`).join("; ");
    return { kind: "error", input: raw, category: "tool_error", text: `Invalid arguments for ${tool.name}: ${problems}.` };
  }
  try {
    const result = await tool.run(parsed.data, ctx);
    if (result.refused) return { kind: "refused", input: parsed.data, category: result.category ?? "tool_refused", text: result.text };
    return { kind: "ran", input: parsed.data, result };
  } catch (error) {
    return { kind: "error", input: parsed.data, category: "tool_error", text: `${tool.name} failed: ${(error as Error).message}` };
  }
}

function clipName(name: string): string {
  return name.length > 80 ? `${name.slice(0, 80)}…` : name;
}
