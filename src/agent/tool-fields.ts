/**
 * Agent-file rules for acting agents beyond the schema: combinations that would leave a model
 * with tools it cannot use. Pure; parse.ts turns a problem into a ParseError naming the line.
 */
import type { AgentFields } from "./schema.js";

export interface FieldProblem {
  key: string;
  message: string;
  hint: string;
}

export function toolAgentProblem(fields: AgentFields): FieldProblem | undefined {
  const tools = fields.tools ?? [];
  if (tools.length === 0) return undefined;
  if (fields.provider === "builtin") return { key: "tools", message: "tools are called by a model, and a builtin agent has none", hint: "use provider: ollama, openai or embedded with a model, or remove tools:" };
  if (tools.includes("run") && fields.allow.length === 0) {
    return { key: "tools", message: "tools lists run but allow: is empty, so run could execute nothing", hint: "add the commands it may run, e.g. `allow: [[npm, test]]`, or remove run from tools:" };
  }
  return undefined;
}
