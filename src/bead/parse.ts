import { isMap, isScalar, parse as parseYaml, parseDocument, YAMLParseError, YAMLWarning } from "yaml";
import { ParseError } from "../errors.js";
import type { BeadFields } from "./fields.js";
import { lineAt, splitFrontMatter } from "./frontmatter.js";
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
    // ignoreBOM keeps a byte-order mark in the text, so that an edit writes it back.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ParseError(file, 1, "not valid UTF-8 text", "save the file as UTF-8");
  }
}

/** Parse the YAML of a front-matter block into a plain object, with file-relative line numbers. */
export function parseFrontMatterYaml(yaml: string, yamlLine: number, file: string): Record<string, unknown> {
  let data: unknown;
  try {
    // logLevel "error": an unknown tag is the person's business, not a warning on our stderr.
    data = parseYaml(yaml, { maxAliasCount: MAX_ALIASES, uniqueKeys: true, prettyErrors: false, strict: true, logLevel: "error" });
  } catch (error) {
    if (error instanceof YAMLParseError || error instanceof YAMLWarning) throw yamlSyntaxError(error, yaml, yamlLine, file);
    if (error instanceof ReferenceError || (error instanceof Error && /alias/i.test(error.message))) {
      const alias = /(?:^|[\s,[{:])\*[^\s,\]}]+/m.exec(yaml);
      const line = yamlLine - 1 + (alias ? lineAt(yaml, alias.index + alias[0].indexOf("*")) : 1);
      throw new ParseError(file, line, `invalid YAML: ${firstLine(error.message)}`, "remove YAML aliases (*name) from the front-matter");
    }
    throw error;
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ParseError(file, yamlLine, "front-matter must be a set of `key: value` lines", "write e.g. `title: Fix the login page`");
  }
  return data as Record<string, unknown>;
}

/**
 * A YAML syntax error at the line a person must look at. yaml reports positions as offsets
 * (linePos is only filled with prettyErrors), and reports an unclosed quote or bracket where
 * the text ran out: the person needs the line where it was opened.
 */
function yamlSyntaxError(error: YAMLParseError | YAMLWarning, yaml: string, yamlLine: number, file: string): ParseError {
  const pos = Math.min(error.pos[0], yaml.length);
  const lastLine = Math.max(1, yaml.replace(/\r?\n$/, "").split("\n").length);
  let line = Math.min(lineAt(yaml, pos), lastLine);
  if (error.code === "MISSING_CHAR" || /Missing closing|end with a [\]}]/.test(error.message)) {
    const opened = openingKeyLine(yaml, pos);
    if (opened !== undefined) line = opened;
  }
  const fileLine = yamlLine - 1 + line;
  if (error.code === "DUPLICATE_KEY") {
    const key = /^["']?([^"':\r\n]*)/.exec(yaml.slice(pos))?.[1]?.trim() ?? "";
    return new ParseError(file, fileLine, `invalid YAML: duplicate key ${JSON.stringify(key)}`, "keep one of the lines with this key and delete the other");
  }
  const reason = firstLine(error.message).replace(/ at line \d+, column \d+:?$/, "");
  return new ParseError(file, fileLine, `invalid YAML: ${reason}`, "fix the front-matter syntax");
}

/** The line of the last top-level key that starts before `pos`: where an unclosed value began. */
function openingKeyLine(yaml: string, pos: number): number | undefined {
  const contents = parseDocument(yaml, { logLevel: "silent" }).contents;
  if (!isMap(contents)) return undefined;
  const opened = contents.items.filter((pair) => isScalar(pair.key) && (pair.key.range?.[0] ?? Infinity) < pos).pop();
  return isScalar(opened?.key) && opened.key.range ? lineAt(yaml, opened.key.range[0]) : undefined;
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

/** The first of zod's issues (the only one a person needs to fix first), at its key's line. */
function zodToParseError(error: { issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }> }, yaml: string, yamlLine: number, file: string): ParseError {
  const issue = error.issues[0];
  const key = typeof issue?.path[0] === "string" ? issue.path[0] : undefined;
  const line = key === undefined ? yamlLine : keyLine(yaml, key, yamlLine);
  const message = issue?.message ?? "invalid front-matter";
  return new ParseError(file, line, key && !message.includes(key) ? `${key}: ${message}` : message);
}

/** The 1-based file line of a top-level front-matter key in a bead's text, or 1 when it is not there. */
export function frontMatterKeyLine(text: string, key: string, file = ""): number {
  try {
    const split = splitFrontMatter(text, file);
    return keyLine(split.yaml, key, split.yamlLine);
  } catch {
    return 1;
  }
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
