import type { Heading, Nodes } from "mdast";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { ParseError } from "../errors.js";
import { splitFrontMatter } from "./frontmatter.js";

const markdown = unified().use(remarkParse);

/** Where the body starts in the whole text, and its line ending. */
interface BodyView {
  bodyStart: number;
  body: string;
  eol: "\n" | "\r\n";
}

/** A `## heading` section, in body offsets. */
interface Section {
  /** Start of the heading's line. */
  headingStart: number;
  /** Just after the heading line's line break (or the body's end when the heading is the last line). */
  contentStart: number;
  /** Start of the line of the next heading of depth <= 2, or the body's end. */
  end: number;
  hasNext: boolean;
}

/**
 * Replace the content of the body section headed `## <heading>` (up to the next heading of
 * depth <= 2, or end of file), or append such a section at the end of the body if absent.
 * `content` is markdown without the heading line.
 */
export function setSection(text: string, heading: string, content: string, file: string): string {
  const view = bodyView(text, file);
  const { body, bodyStart, eol } = view;
  const lines = normaliseContent(content, eol);
  const section = findSection(body, heading);
  if (section) {
    const old = body.slice(section.contentStart, section.end);
    // A person who left a blank line under the heading keeps it.
    const gap = old.trim() === "" ? "" : (/^(?:[ \t]*\r?\n)*/.exec(old)?.[0] ?? "");
    const headingEnds = section.contentStart === body.length && !/\n$/.test(body) ? eol : "";
    const piece = headingEnds + (lines ? gap + lines + eol : "") + (section.hasNext ? eol : "");
    return text.slice(0, bodyStart + section.contentStart) + piece + text.slice(bodyStart + section.end);
  }
  let out = text;
  if (!out.endsWith("\n") && out.length > 0) out += eol;
  const fence = unclosedFence(body);
  if (fence !== undefined) out += fence + eol;
  if (body.trim() !== "" && !endsWithBlankLine(out)) out += eol;
  return `${out}## ${heading.trim().replace(/\s+/g, " ")}${eol}${lines ? lines + eol : ""}`;
}

/** The content of `## <heading>` (without the heading line, trimmed, with `\n` line breaks), or undefined. */
export function getSection(text: string, heading: string): string | undefined {
  const { body } = bodyView(text, undefined);
  const section = findSection(body, heading);
  if (!section) return undefined;
  return body.slice(section.contentStart, section.end).replace(/\r\n/g, "\n").trim();
}

/**
 * A body split around its `## <heading>` section: what comes before the heading line, the
 * section's content, and what follows it (from the next heading of depth <= 2). Undefined when
 * there is no such section.
 */
export function splitAtSection(body: string, heading: string): { before: string; content: string; after: string } | undefined {
  const section = findSection(body, heading);
  if (!section) return undefined;
  return { before: body.slice(0, section.headingStart), content: body.slice(section.contentStart, section.end), after: body.slice(section.end) };
}

/**
 * Text without front-matter (a memory file, say) is all body. An unclosed front-matter is an
 * error for writers, which must not append into what may be YAML, but readers treat it as body.
 */
function bodyView(text: string, file: string | undefined): BodyView {
  const bom = text.startsWith("\uFEFF") ? 1 : 0;
  const firstNl = text.indexOf("\n");
  const eol = firstNl > 0 && text.charAt(firstNl - 1) === "\r" ? "\r\n" : "\n";
  if (/^---[ \t]*(?:\r?\n|$)/.test(text.slice(bom))) {
    try {
      const split = splitFrontMatter(text, file ?? "(text)");
      return { bodyStart: split.bodyStart, body: split.body, eol: split.eol };
    } catch (error) {
      if (file !== undefined || !(error instanceof ParseError)) throw error;
    }
  }
  return { bodyStart: bom, body: text.slice(bom), eol };
}

function findSection(body: string, heading: string): Section | undefined {
  const want = normaliseHeading(heading);
  const nodes = markdown.parse(body).children;
  const index = nodes.findIndex((n) => n.type === "heading" && n.depth === 2 && normaliseHeading(textOf(n)) === want);
  const found = nodes[index];
  if (!found?.position) return undefined;
  const headingStart = body.lastIndexOf("\n", (found.position.start.offset ?? 0) - 1) + 1;
  const nl = body.indexOf("\n", found.position.end.offset ?? body.length);
  const contentStart = nl === -1 ? body.length : nl + 1;
  const next = nodes.slice(index + 1).find((n): n is Heading => n.type === "heading" && n.depth <= 2);
  const nextStart = next?.position?.start.offset;
  if (nextStart === undefined) return { headingStart, contentStart, end: body.length, hasNext: false };
  return { headingStart, contentStart, end: body.lastIndexOf("\n", nextStart - 1) + 1, hasNext: true };
}

function normaliseHeading(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}

function textOf(node: Nodes): string {
  if ("value" in node && typeof node.value === "string") return node.value;
  if ("children" in node) return (node.children as Nodes[]).map(textOf).join("");
  return "";
}

/** Content without leading blank lines or trailing whitespace, in the file's line ending. */
function normaliseContent(content: string, eol: string): string {
  return content
    .replace(/^(?:[ \t]*\r?\n)+/, "")
    .trimEnd()
    .replace(/\r?\n/g, eol);
}

function endsWithBlankLine(text: string): boolean {
  return /(?:^|\n)[ \t]*\r?\n$/.test(text);
}

/**
 * The fence that would close a code block left open at the end of the body. Without it an
 * appended heading would land inside the code block and never be found again.
 */
function unclosedFence(body: string): string | undefined {
  const nodes = markdown.parse(body).children;
  const last = nodes[nodes.length - 1];
  if (last?.type !== "code" || last.position?.start.offset === undefined || last.position.end.offset === undefined) return undefined;
  const source = body.slice(last.position.start.offset, last.position.end.offset);
  const open = /^(`{3,}|~{3,})/.exec(source)?.[1];
  if (!open) return undefined;
  const lines = source.replace(/\r?\n$/, "").split(/\r?\n/);
  const close = lines.length > 1 ? /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(lines[lines.length - 1] ?? "")?.[1] : undefined;
  const closed = close !== undefined && close[0] === open[0] && close.length >= open.length;
  return closed ? undefined : open;
}
