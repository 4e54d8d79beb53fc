/**
 * One schema-constrained JSON action per turn (DESIGN §12), for models without native tool
 * calling: the request carries no `tools` but a `format` (structured output) that admits exactly
 * `{"tool": <one offered name>, "arguments": <that tool's parameters>}`; the reply is turned
 * into the same ToolCall native calling gives, and results go back as user turns. Pure.
 */
import { ModelError } from "../errors.js";
import type { ChatMessage, ToolCall, ToolDefinition } from "../model/provider.js";

export type ActionMode = "native" | "json";

/** The reply's JSON schema: one of the offered tools with its own arguments. */
export function actionFormat(definitions: readonly ToolDefinition[]): Record<string, unknown> {
  return {
    anyOf: definitions.map((definition) => ({
      type: "object",
      properties: { tool: { type: "string", enum: [definition.name] }, arguments: definition.parameters },
      required: ["tool", "arguments"],
    })),
  };
}

/** What the model reads about the tools when it cannot be given them natively. */
export function actionPrompt(definitions: readonly ToolDefinition[]): ChatMessage {
  const tools = definitions.map((d) => `- ${d.name}: ${d.description}\n  arguments (JSON Schema): ${JSON.stringify(d.parameters)}`).join("\n");
  return {
    role: "system",
    content: `Act by replying with exactly one JSON object per turn: {"tool": "<name>", "arguments": {...}}. You then get the tool's result and reply with the next action. End with the finish tool.\nTools:\n${tools}`,
  };
}

/** One action from a reply's text, as a tool call; an error the model can read when it is not one. */
export function parseAction(content: string, step: number): { call: ToolCall } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(content) as unknown;
  } catch (error) {
    return { error: `Your reply was not one JSON object (${(error as Error).message}). Reply with {"tool": "<name>", "arguments": {...}}.` };
  }
  const action = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  if (!action || typeof action.tool !== "string") return { error: 'Your reply has no "tool" name. Reply with {"tool": "<name>", "arguments": {...}}.' };
  const args = action.arguments;
  // A string is passed on verbatim: malformed arguments are refused by the tool with a readable error.
  const text = typeof args === "string" ? args : JSON.stringify(args ?? {});
  return { call: { id: `action_${step}`, name: action.tool, arguments: text } };
}

/** A tool's result as the next turn of a JSON-action conversation. */
export function actionResult(tool: string, text: string): ChatMessage {
  return { role: "user", content: `Result of ${tool}:\n${text}` };
}

/** The server refused native tool calling for this model (Ollama: "… does not support tools"). */
export function lacksNativeTools(error: unknown): boolean {
  return error instanceof ModelError && error.data.status === 400 && /does not support tools/i.test(error.message);
}
