/**
 * Parse one task file (docs/EVAL.md) into an EvalTask. Pure: text in, task or ParseError out.
 * A person writes these by hand, so every problem names the file, the line and the fix; a task
 * that could never fail (no checks) or could never pass (a check command nobody may run) is refused.
 */
import { splitFrontMatter } from "../bead/frontmatter.js";
import { parseFrontMatterYaml } from "../bead/parse.js";
import { ParseError } from "../errors.js";
import { parseDuration } from "../time/duration.js";
import { CATEGORIES, DEFAULT_TASK_TOOLS, expectSchema, fileCheckSchema, taskFieldsSchema, type EvalTask } from "./task.js";

const MAX_PROMPT_CHARS = 16 * 1024;

const FIXES: Record<string, string> = {
  category: `use one of ${CATEGORIES.join(", ")}`,
  expect: `add checks under expect:, e.g. \`outcome: done\` (checks: ${Object.keys(expectSchema.def.shape).join(", ")})`,
  files: "list setup files as `path: |` followed by the content, paths relative to the repository",
  timeout: "write e.g. 2m or 90s",
  id: "write e.g. `id: fix-greeting` or leave it out (the file name is used)",
};

export function parseTaskFile(text: string, path: string, source: string): EvalTask {
  const split = splitFrontMatter(text, path);
  const raw = parseFrontMatterYaml(split.yaml, split.yamlLine, path);
  const lineOf = (keys: readonly PropertyKey[]): number => keyLine(split.yaml, keys.map(String), split.yamlLine);
  const parsed = taskFieldsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const keys = issue?.path ?? [];
    const unknown = issue?.code === "unrecognized_keys" ? issue.keys : [];
    const where = unknown.length > 0 ? [...keys, unknown[0] ?? ""] : keys;
    const label = where.map(String).join(".");
    // A bad record key (a setup path) carries the reason in its own nested issue.
    const nested = issue?.code === "invalid_key" ? issue.issues[0]?.message : undefined;
    const reason =
      unknown.length > 0
        ? `unknown key ${unknown.join(", ")}${keys.length > 0 ? ` under ${keys.join(".")}` : ""}`
        : nested !== undefined
          ? `${keys.slice(0, -1).join(".")}: ${JSON.stringify(String(keys.at(-1)))} is not ${nested}`
          : `${label ? `${label}: ` : ""}${issue?.message ?? "invalid task file"}`;
    throw new ParseError(path, lineOf(where), reason, fixFor(keys, unknown));
  }
  const fields = parsed.data;
  const stem = path.replace(/^.*\//, "").replace(/\.md$/, "");
  const id = fields.id ?? stem;
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/.test(id)) throw new ParseError(path, 1, `the file name ${stem} is not a usable task id`, "rename the file to letters, digits, '_' and '-', or set id:");
  const prompt = split.body.trim();
  if (prompt === "") throw new ParseError(path, split.bodyLine, "the prompt (the text after the front-matter) is empty", "write what the model is asked to do below the closing ---");
  if (prompt.length > MAX_PROMPT_CHARS) throw new ParseError(path, split.bodyLine, `the prompt is ${prompt.length} characters`, `keep it under ${MAX_PROMPT_CHARS}`);
  let timeoutMs: number;
  try {
    timeoutMs = parseDuration(fields.timeout, "timeout");
  } catch (error) {
    throw new ParseError(path, lineOf(["timeout"]), (error as Error).message, FIXES.timeout);
  }
  if (timeoutMs < 1000) throw new ParseError(path, lineOf(["timeout"]), `timeout ${timeoutMs} ms is too short for any model`, FIXES.timeout);
  const expect = fields.expect;
  if (Object.values(expect).every((value) => value === undefined)) throw new ParseError(path, lineOf(["expect"]), "expect: has no checks, so the task could never fail", FIXES.expect);
  for (const [file, check] of Object.entries(expect.files ?? {})) {
    if (Object.values(check).every((value) => value === undefined)) throw new ParseError(path, lineOf(["expect", "files", file]), `expect.files.${file} has no checks`, `add contains:, not_contains:, equals: or exists: (checks: ${Object.keys(fileCheckSchema.def.shape).join(", ")})`);
  }
  const passes = expect.passes;
  if (passes && !fields.allow.some((prefix) => prefix.every((part, i) => passes[i] === part))) {
    throw new ParseError(path, lineOf(["expect", "passes"]), `expect.passes runs ${passes.join(" ")}, which allow: does not list`, `add ${JSON.stringify(passes)} (or a prefix of it) to allow:`);
  }
  const tools = fields.tools ? [...new Set([...fields.tools, "finish"])] : [...DEFAULT_TASK_TOOLS];
  return { id, category: fields.category, title: fields.title, source, files: fields.files, tools, allow: fields.allow, maxSteps: fields.max_steps, timeoutMs, expect, prompt };
}

function fixFor(keys: readonly PropertyKey[], unknown: readonly string[]): string {
  if (unknown.length > 0 && keys[0] === "expect") return FIXES.expect ?? "";
  if (unknown.length > 0 && keys.length === 0) return `task keys are ${Object.keys(taskFieldsSchema.def.shape).join(", ")}`;
  if (unknown.length > 0) return "remove the key or check its spelling";
  return FIXES[String(keys[0] ?? "")] ?? "see docs/EVAL.md for the task format";
}

/**
 * The 1-based file line of a key path such as [expect, files, src/a.js]: each key is looked for
 * below the line of its parent, deeper indented. Falls back to the parent's line.
 */
export function keyLine(yaml: string, keys: string[], yamlLine: number): number {
  const lines = yaml.split("\n");
  let from = 0;
  let found = -1;
  let indent = -1;
  for (const key of keys) {
    const quoted = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = new RegExp(`^(\\s*)(?:-\\s+)?(?:"${quoted}"|'${quoted}'|${quoted})\\s*:`);
    let hit = -1;
    for (let i = from; i < lines.length; i++) {
      const match = pattern.exec(lines[i] ?? "");
      const depth = match?.[1]?.length ?? -1;
      if (match && depth > indent) {
        hit = i;
        indent = depth;
        break;
      }
      // Left the parent's block: a line at or above the parent's indentation.
      const lead = /^(\s*)\S/.exec(lines[i] ?? "");
      if (found !== -1 && lead && (lead[1]?.length ?? 0) <= indent) break;
    }
    if (hit === -1) break;
    found = hit;
    from = hit + 1;
  }
  return found === -1 ? yamlLine : yamlLine + found;
}
