import { splitFrontMatter } from "../bead/frontmatter.js";
import { parseFrontMatterYaml } from "../bead/parse.js";
import { ParseError } from "../errors.js";
import { execAgentProblem } from "./exec-fields.js";
import { agentFieldsSchema, type AgentDefinition } from "./schema.js";
import { toolAgentProblem } from "./tool-fields.js";

/** Parse agents/<name>.md; every problem is a ParseError naming the file and line. */
export function parseAgent(text: string, path: string): AgentDefinition {
  const split = splitFrontMatter(text, path);
  const raw = parseFrontMatterYaml(split.yaml, split.yamlLine, path);
  const stem = path.replace(/^.*\//, "").replace(/\.md$/, "");
  if (raw.name === undefined) raw.name = stem;
  const result = agentFieldsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.path.map(String).join(".") ?? "";
    const line = findKeyLine(split.yaml, String(issue?.path[0] ?? ""), split.yamlLine);
    throw new ParseError(path, line, `${key ? `${key}: ` : ""}${issue?.message ?? "invalid agent file"}`);
  }
  const fields = result.data;
  if (fields.name !== stem) throw new ParseError(path, findKeyLine(split.yaml, "name", split.yamlLine), `name ${fields.name} does not match the file name ${stem}.md`, "rename the file or fix name:");
  const execProblem = execAgentProblem(fields);
  if (execProblem) throw new ParseError(path, findKeyLine(split.yaml, execProblem.key, split.yamlLine), execProblem.message, execProblem.hint);
  if (fields.provider !== "builtin" && fields.provider !== "exec" && !fields.model) throw new ParseError(path, findKeyLine(split.yaml, "provider", split.yamlLine), `provider ${fields.provider} needs a model`, "add e.g. `model: qwen3:8b`");
  if (fields.provider === "builtin" && !fields.action) throw new ParseError(path, findKeyLine(split.yaml, "provider", split.yamlLine), "a builtin agent needs an action", "add `action: report` (or write, run)");
  const toolProblem = toolAgentProblem(fields);
  if (toolProblem) throw new ParseError(path, findKeyLine(split.yaml, toolProblem.key, split.yamlLine), toolProblem.message, toolProblem.hint);
  return { name: fields.name, path, fields, prompt: split.body.trim() };
}

function findKeyLine(yaml: string, key: string, yamlLine: number): number {
  const index = yaml.split("\n").findIndex((line) => line.startsWith(`${key}:`));
  return index === -1 ? yamlLine : yamlLine + index;
}
