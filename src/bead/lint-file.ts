import { ParseError } from "../errors.js";
import { splitFrontMatter } from "./frontmatter.js";
import { frontMatterKeyLine, parseFrontMatterYaml } from "./parse.js";
import { beadFieldsSchema } from "./schema.js";

/**
 * Every problem of one bead file's text, for `bead lint` (the parser stops at the first, which
 * is what the board needs; a person fixing a file wants them all at once). Pure.
 */
export interface FileProblem {
  line: number;
  reason: string;
  fix?: string;
}

const CONFLICT_OPEN = /^<{7}(?: |$)/;
const CONFLICT_MARK = /^(?:={7}|>{7}(?: |$)|\|{7}(?: |$))/;

export function beadFileProblems(text: string, file: string, id: string): FileProblem[] {
  const conflicts = conflictProblems(text);
  if (conflicts.length > 0) return conflicts; // the rest of the file is two versions at once: more reports would be noise
  let split;
  try {
    split = splitFrontMatter(text, file);
  } catch (error) {
    if (error instanceof ParseError) return [fromParseError(error)];
    throw error;
  }
  // A YAML syntax error is reported once, where the parser places it (an unclosed bracket at the
  // line that opened it): what follows a syntax error is mostly its echo.
  let data: unknown;
  try {
    data = parseFrontMatterYaml(split.yaml, split.yamlLine, file);
  } catch (error) {
    if (error instanceof ParseError) return [fromParseError(error)];
    throw error;
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== "object" || Array.isArray(data)) {
    return [{ line: split.yamlLine, reason: "front-matter must be a set of `key: value` lines", fix: "write e.g. `title: Fix the login page`" }];
  }
  const problems: FileProblem[] = [];
  const result = beadFieldsSchema.safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = typeof issue.path[0] === "string" ? issue.path[0] : undefined;
      const line = key === undefined ? split.yamlLine : frontMatterKeyLine(text, key, file);
      problems.push({ line: line === 1 && key !== undefined ? split.yamlLine : line, reason: key && !issue.message.includes(key) ? `${key}: ${issue.message}` : issue.message });
    }
  }
  const declared = (data as Record<string, unknown>).id;
  if (declared !== undefined && String(declared) !== id) {
    problems.push({ line: frontMatterKeyLine(text, "id", file), reason: `id mismatch: the file says id ${String(declared)} but its name makes it ${id}`, fix: "rename the file or remove the id: line" });
  }
  return problems;
}

/** One problem per unresolved conflict, at its `<<<<<<<` line (or at a stray marker). */
export function conflictProblems(text: string): FileProblem[] {
  const problems: FileProblem[] = [];
  const lines = text.split("\n");
  let open = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, "");
    if (CONFLICT_OPEN.test(line)) {
      open = true;
      problems.push({ line: i + 1, reason: "unresolved git conflict: <<<<<<< / ======= / >>>>>>> markers are in the file", fix: "keep the lines you want from each side, delete the marker lines, then commit" });
    } else if (/^>{7}(?: |$)/.test(line)) {
      if (!open) problems.push({ line: i + 1, reason: "stray git conflict marker >>>>>>>", fix: "delete the marker line" });
      open = false;
    } else if (!open && CONFLICT_MARK.test(line) && !/^={7}$/.test(line)) {
      problems.push({ line: i + 1, reason: "stray git conflict marker", fix: "delete the marker line" });
    }
  }
  return problems;
}

/** `{{x.result}}` placeholders naming a bead that is not among the deps: the agent would see the placeholder, not a result. */
export function templateWarnings(body: string, deps: readonly string[], bodyLine: number): FileProblem[] {
  const warnings: FileProblem[] = [];
  const lines = body.split("\n");
  for (let i = 0; i < lines.length; i++) {
    for (const match of lines[i]!.matchAll(/\{\{\s*([A-Za-z0-9][A-Za-z0-9._-]*)\.result\s*\}\}/g)) {
      const id = match[1]!;
      if (!deps.includes(id)) warnings.push({ line: bodyLine + i, reason: `{{${id}.result}} names ${id}, which is not a dep: it will not be filled in`, fix: `bead dep add <this-id> ${id}, or remove the placeholder` });
    }
  }
  return warnings;
}

function fromParseError(error: ParseError): FileProblem {
  return { line: error.line, reason: error.reason, ...(error.fix ? { fix: error.fix } : {}) };
}
