import { parse as parseYaml, YAMLParseError, YAMLWarning } from "yaml";
import type { ZodError } from "zod";
import { ParseError } from "../errors.js";
import type { BeadFields } from "./fields.js";
import { splitFrontMatter } from "./frontmatter.js";
import { beadFieldsSchema } from "./schema.js";

/** Beads are notes, not attachments: anything bigger is almost certainly a mistake. */
export const MAX_BEAD_BYTES = 1024 * 1024;
/** Aliases beyond this are refused, which defuses "billion laughs" alias bombs. */
const MAX_ALIASES = 50;

export interface ParsedBead {
  fields: BeadFields;
  body: string;
}

/** Decode bytes as UTF-8 text, refusing binary content and oversized files with a plain reason. */
export function decodeBeadBytes(bytes: Uint8Array, file: string): string {
  if (bytes.byteLength > MAX_BEAD_BYTES) {
    const mb = (bytes.byteLength / (1024 * 1024)).toFixed(1);
    throw new ParseError(file, 1, `file is ${mb} MB; a bead may be at most 1 MB`, "move large content into a separate file and link to it");
  }
  if (bytes.subarray(0, 8192).includes(0)) {
    throw new ParseError(file, 1, "binary file in beads/", "beads are UTF-8 markdown; move this file out of beads/");
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ParseError(file, 1, "not valid UTF-8 text", "save the file as UTF-8");
  }
}

/** Parse the YAML of a front-matter block into a plain object, with file-relative line numbers. */
export function parseFrontMatterYaml(yaml: string, yamlLine: number, file: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = parseYaml(yaml, { maxAliasCount: MAX_ALIASES, uniqueKeys: true, prettyErrors: false, strict: true });
  } catch (error) {
    if (error instanceof YAMLParseError || error instanceof YAMLWarning) {
      const line = (error.linePos?.[0]?.line ?? 1) + yamlLine - 1;
      throw new ParseError(file, line, `invalid YAML: ${firstLine(error.message)}`, "fix the front-matter syntax");
    }
    if (error instanceof ReferenceError || (error instanceof Error && /alias/i.test(error.message))) {
      throw new ParseError(file, yamlLine, `invalid YAML: ${firstLine(error.message)}`, "remove YAML aliases (*name) from the front-matter");
    }
    throw error;
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ParseError(file, yamlLine, "front-matter must be a set of `key: value` lines", "write e.g. `title: Fix the login page`");
  }
  return data as Record<string, unknown>;
}

/** Parse and validate a whole bead file's text. */
export function parseBead(text: string, file: string): ParsedBead {
  const split = splitFrontMatter(text, file);
  const raw = parseFrontMatterYaml(split.yaml, split.yamlLine, file);
  return { fields: validateFields(raw, split.yaml, split.yamlLine, file), body: split.body };
}

export function validateFields(raw: Record<string, unknown>, yaml: string, yamlLine: number, file: string): BeadFields {
  const result = beadFieldsSchema.safeParse(raw);
  if (result.success) return result.data as BeadFields;
  throw zodToParseError(result.error, yaml, yamlLine, file);
}

function zodToParseError(error: ZodError, yaml: string, yamlLine: number, file: string): ParseError {
  const issue = error.issues[0];
  const key = typeof issue?.path[0] === "string" ? issue.path[0] : undefined;
  const line = key === undefined ? yamlLine : keyLine(yaml, key, yamlLine);
  const message = issue?.message ?? "invalid front-matter";
  return new ParseError(file, line, key && !message.includes(key) ? `${key}: ${message}` : message);
}

/** The file line of a top-level key, found by scanning rather than re-parsing: errors are rare. */
function keyLine(yaml: string, key: string, yamlLine: number): number {
  const lines = yaml.split("\n");
  const pattern = new RegExp(`^["']?${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*:`);
  const index = lines.findIndex((line) => pattern.test(line));
  return index === -1 ? yamlLine : yamlLine + index;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
