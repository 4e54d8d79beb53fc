/**
 * The agent-file rules of `provider: exec` (DESIGN §12), pure: what an exec agent must say and
 * what it may not, each problem with the key to point at and the fix.
 */
import type { AgentFields } from "./schema.js";

export interface ExecFieldProblem {
  key: string;
  message: string;
  hint: string;
}

const KNOWN_PLACEHOLDERS = new Set(["prompt", "prompt_file", "workspace"]);
const PLACEHOLDER_LIKE = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function execAgentProblem(fields: AgentFields): ExecFieldProblem | undefined {
  if (fields.provider !== "exec") {
    return fields.command === undefined ? undefined : { key: "command", message: `command: is for provider exec, not ${fields.provider}`, hint: "remove command: or set provider: exec" };
  }
  if (fields.command === undefined) {
    return { key: "provider", message: "provider exec needs a command", hint: "add e.g. `command: [aider, --yes-always, --message-file, \"{prompt_file}\"]`" };
  }
  if (!fields.command[0]?.trim()) return { key: "command", message: "command's first element (the program) is empty", hint: "name the program first, e.g. `command: [qwen, ...]`" };
  for (const arg of fields.command) {
    for (const match of arg.matchAll(PLACEHOLDER_LIKE)) {
      const name = match[1] ?? "";
      if (!KNOWN_PLACEHOLDERS.has(name)) return { key: "command", message: `command has an unknown placeholder {${name}}`, hint: "the placeholders are {prompt}, {prompt_file} and {workspace}" };
    }
  }
  if (fields.tools !== undefined) return { key: "tools", message: "an exec agent's harness brings its own tools; tools: is for model agents", hint: "remove tools:" };
  // The harness may call any model; only the person knows where it runs, and the gate depends on it.
  if (fields.locality === undefined) {
    return { key: "provider", message: "provider exec needs locality: (where the harness's model runs: local or remote)", hint: "add `locality: local` if it calls a model on this machine or network, else `locality: remote`" };
  }
  return undefined;
}
