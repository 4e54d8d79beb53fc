import { parse, stringify, type ToStringOptions } from "yaml";

/**
 * One-line YAML renderings for values that setFields splices into a person's front-matter.
 * Everything stays on one line so that a splice never changes the shape of the lines around it.
 */

export type QuoteStyle = "QUOTE_DOUBLE" | "QUOTE_SINGLE";

const BASE: ToStringOptions = { lineWidth: 0, defaultKeyType: "PLAIN", doubleQuotedMinMultiLineLength: Infinity };
const DOUBLE: ToStringOptions = { ...BASE, defaultStringType: "QUOTE_DOUBLE" };
const SINGLE: ToStringOptions = { ...BASE, defaultStringType: "QUOTE_SINGLE" };
const FLOW: ToStringOptions = { ...BASE, collectionStyle: "flow", flowCollectionPadding: false };
const FLOW_DOUBLE: ToStringOptions = { ...FLOW, defaultStringType: "QUOTE_DOUBLE" };

/** A value as it appears after `key: ` in a block map. */
export function renderValue(value: unknown, style?: QuoteStyle): string {
  const plain = toPlain(value);
  if (Array.isArray(plain) || isRecord(plain)) return renderFlow(plain);
  if (typeof plain === "string" && style) {
    const quoted = renderMapValue(plain, style === "QUOTE_SINGLE" ? SINGLE : DOUBLE);
    if (!quoted.includes("\n")) return quoted;
  }
  return renderScalar(plain);
}

/** A top-level key; quoted when it would otherwise read back as something other than this string. */
export function renderKey(key: string): string {
  return /^[\p{L}_][\p{L}\p{N}_.-]*$/u.test(key) && parse(key) === key ? key : JSON.stringify(key);
}

function renderScalar(value: unknown): string {
  // Rendering as a map value (not a document) keeps `---` plain and puts the scalar in its real context.
  const text = renderMapValue(value, BASE);
  return text.includes("\n") ? renderMapValue(value, DOUBLE) : text;
}

function renderMapValue(value: unknown, options: ToStringOptions): string {
  const out = stringify({ x: value }, options);
  return out.slice("x: ".length).replace(/\r?\n$/, "");
}

function renderFlow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(renderFlow).join(", ")}]`;
  if (isRecord(value)) {
    const entries = Object.entries(value).map(([k, v]) => `${renderFlowScalar(k)}: ${renderFlow(v)}`);
    return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
  }
  return renderFlowScalar(value);
}

/** A scalar inside `[...]` or `{...}`, where `,` `[` `]` `{` `}` force quoting that block context would not. */
function renderFlowScalar(value: unknown): string {
  const strip = (text: string): string => text.trim().slice(1, -1);
  const text = strip(stringify([value], FLOW));
  return text.includes("\n") ? strip(stringify([value], FLOW_DOUBLE)) : text;
}

/** JSON-like normalisation: undefined members vanish, dates become ISO strings, bigints stay numbers. */
function toPlain(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => (item === undefined || typeof item === "function" ? null : toPlain(item)));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined && typeof v !== "function" && typeof v !== "symbol") out[k] = toPlain(v);
    }
    return out;
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
