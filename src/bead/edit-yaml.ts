import { isDeepStrictEqual } from "node:util";
import { isMap, isScalar, parseDocument, type CST, type Document, type Pair, type ParsedNode } from "yaml";
import { ParseError } from "../errors.js";
import { renderKey, renderValue, type QuoteStyle } from "./edit-render.js";
import { lineAt, splitFrontMatter, type FrontMatterSplit } from "./frontmatter.js";

/** A replacement of `text.slice(start, end)`, in offsets of the YAML snippet. */
interface Splice {
  start: number;
  end: number;
  text: string;
}

type FieldPair = Pair<ParsedNode, ParsedNode | null>;

const NOT_A_MAP_FIX = "write the front-matter as `key: value` lines, e.g. `title: Fix the login page`";

/**
 * Set (value !== undefined) or remove (value === undefined) top-level front-matter keys.
 * The YAML is parsed only to locate keys; the result is the original text with the changed
 * values spliced in, so every byte the change is not about stays as the person wrote it.
 */
export function setFields(text: string, changes: Record<string, unknown>, file: string): string {
  const split = splitFrontMatter(text, file);
  const { yaml, eol } = split;
  const { doc, pairs, indent } = topLevelPairs(split, file);
  const splices: Splice[] = [];
  let appended = "";
  for (const [key, value] of Object.entries(changes)) {
    const pair = pairs.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (value === undefined) {
      if (pair) splices.push(removal(yaml, pair));
    } else if (pair) {
      if (!sameValue(pair.value, value, doc)) splices.push(...replacement(yaml, pair, value, eol));
    } else {
      appended += `${indent}${renderKey(key)}: ${renderValue(value)}${eol}`;
    }
  }
  if (appended) splices.push({ start: yaml.length, end: yaml.length, text: appended });
  if (splices.length === 0) return text;
  return text.slice(0, split.yamlStart) + applySplices(yaml, splices) + text.slice(split.yamlEnd);
}

interface TopLevel {
  doc: Document.Parsed;
  pairs: FieldPair[];
  indent: string;
}

function topLevelPairs(split: FrontMatterSplit, file: string): TopLevel {
  const doc = parseDocument(split.yaml, { keepSourceTokens: true, uniqueKeys: true, strict: true });
  const error = doc.errors[0];
  const contents = doc.contents;
  if (error) {
    let line = error.linePos?.[0]?.line;
    // yaml reports an unclosed quote or bracket where the text ran out; the person needs the line where it opened.
    if (/Missing closing|end with a [\]}]/.test(error.message) && isMap(contents)) {
      const opened = contents.items.filter((p) => isScalar(p.key) && (p.key.range?.[0] ?? Infinity) < error.pos[0]).pop();
      if (isScalar(opened?.key) && opened.key.range) line = lineAt(split.yaml, opened.key.range[0]);
    }
    throw yamlError(split, error.code, error.message, line, error.pos[0], file);
  }
  if (contents === null) return { doc, pairs: [], indent: "" };
  // Only a block map can take a new `key: value` line; a flow map would need rewriting as a whole.
  if (!isMap(contents) || contents.srcToken?.type !== "block-map") {
    throw new ParseError(file, split.yamlLine, "front-matter must be a set of `key: value` lines", NOT_A_MAP_FIX);
  }
  const pairs = contents.items as FieldPair[];
  for (const pair of pairs) {
    const item = pair.srcToken;
    if (!item?.sep?.some((t) => t.type === "map-value-ind")) {
      const offset = item?.key && "offset" in item.key ? item.key.offset : 0;
      const line = split.yamlLine - 1 + lineAt(split.yaml, offset);
      throw new ParseError(file, line, "key without a ':' and a value", "write it as `key: value`");
    }
  }
  const first = pairs[0]?.srcToken?.key ?? pairs[0]?.srcToken?.sep?.[0];
  // A map indented as a whole needs new keys at the same column, or they would end it.
  const indent = first ? split.yaml.slice(lineStart(split.yaml, first.offset), first.offset).replace(/\S.*$/u, "") : "";
  return { doc, pairs, indent: /^[ ]*$/.test(indent) ? indent : "" };
}

function yamlError(split: FrontMatterSplit, code: string, message: string, line: number | undefined, pos: number, file: string): ParseError {
  // An error at the very end of the YAML belongs to its last line, not to the closing fence.
  const lastLine = split.yamlLine + Math.max(0, split.yaml.split("\n").length - 2);
  const fileLine = Math.min(split.yamlLine - 1 + (line ?? 1), lastLine);
  if (code === "DUPLICATE_KEY") {
    const key = split.yaml.slice(pos).match(/^["']?([^"':\r\n]*)/)?.[1]?.trim() ?? "";
    return new ParseError(file, fileLine, `duplicate key ${JSON.stringify(key)}`, "keep one of the lines with this key and delete the other");
  }
  const reason = (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
  return new ParseError(file, fileLine, `invalid YAML: ${reason}`, "fix the front-matter syntax");
}

/**
 * Writing a value the key already has must not reformat the person's spelling of it
 * (`[ a, 'b c' ]`, `!!int 2`), so such a change is no change at all.
 */
function sameValue(node: ParsedNode | null, value: unknown, doc: Document.Parsed): boolean {
  try {
    const current: unknown = node === null ? null : node.toJS(doc);
    return isDeepStrictEqual(current, value);
  } catch {
    // An alias to nowhere cannot be compared; the caller's value simply replaces it.
    return false;
  }
}

/** Where a pair's value is written, without the comment or line break that follow it. */
function valueSpan(yaml: string, item: CST.CollectionItem, node: ParsedNode | null): { start: number; end: number } | undefined {
  const sep = item.sep ?? [];
  const colon = sep.findIndex((t) => t.type === "map-value-ind");
  // A tag or anchor belongs to the old value; keeping `!!str` in front of a number would change its type.
  const props = sep.slice(colon + 1).filter((t) => t.type === "tag" || t.type === "anchor");
  const firstProp = props[0];
  const lastProp = props[props.length - 1];
  if (!item.value || !node?.range) {
    if (!firstProp || !lastProp) return undefined;
    return { start: firstProp.offset, end: lastProp.offset + lastProp.source.length };
  }
  const start = firstProp ? firstProp.offset : item.value.offset;
  let end = node.range[1];
  while (end > start && /\s/.test(yaml.charAt(end - 1))) end--;
  // Trailing spaces on the last line of a block scalar are content, not layout.
  if (item.value.type === "block-scalar") end = lineEnd(yaml, end);
  return { start, end };
}

function replacement(yaml: string, pair: FieldPair, value: unknown, eol: string): Splice[] {
  const item = sourceItem(pair);
  const colon = colonOffset(item);
  const span = valueSpan(yaml, item, pair.value);
  if (!span) return [{ start: colon + 1, end: colon + 1, text: ` ${renderValue(value)}` }];

  const keyLineEnd = lineEnd(yaml, colon);
  const seqIndent = yaml.slice(lineStart(yaml, span.start), span.start);
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    item.value?.type === "block-seq" &&
    span.start === item.value.offset &&
    span.start > keyLineEnd &&
    /^[ \t]*$/.test(seqIndent)
  ) {
    const lines = value.map((v) => `- ${renderValue(v === undefined ? null : v)}`);
    return [{ start: span.start, end: span.end, text: lines.join(eol + seqIndent) }];
  }

  const style = quoteStyle(pair.value);
  const rendered = renderValue(value, typeof value === "string" ? style : undefined);
  if (span.start <= keyLineEnd) return [{ start: span.start, end: span.end, text: rendered }];
  // The old value starts on a later line: the new one goes on the key line, which keeps its comment.
  return [
    { start: colon + 1, end: colon + 1, text: ` ${rendered}` },
    { start: keyLineEnd, end: span.end, text: "" },
  ];
}

/** The whole lines of a pair: key line through the value's last line, trailing comment and line break included. */
function removal(yaml: string, pair: FieldPair): Splice {
  const item = sourceItem(pair);
  const colon = colonOffset(item);
  const span = valueSpan(yaml, item, pair.value);
  const keyOffset = item.key && "offset" in item.key ? item.key.offset : colon;
  const start = lineStart(yaml, Math.min(keyOffset, colon));
  const last = span ? Math.max(span.end, colon) : colon;
  const nl = yaml.indexOf("\n", last);
  return { start, end: nl === -1 ? yaml.length : nl + 1, text: "" };
}

function quoteStyle(node: ParsedNode | null): QuoteStyle | undefined {
  if (!isScalar(node)) return undefined;
  return node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE" ? node.type : undefined;
}

function sourceItem(pair: FieldPair): CST.CollectionItem {
  if (!pair.srcToken) throw new Error("yaml did not keep source tokens for a front-matter key");
  return pair.srcToken;
}

function colonOffset(item: CST.CollectionItem): number {
  const colon = item.sep?.find((t) => t.type === "map-value-ind");
  if (!colon) throw new Error("front-matter key without ':' survived parsing");
  return colon.offset;
}

function applySplices(text: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const s of sorted) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** Offset of the line break (before any `\r`) of the line containing `offset`. */
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  if (nl === -1) return text.length;
  return text.charAt(nl - 1) === "\r" ? nl - 1 : nl;
}
