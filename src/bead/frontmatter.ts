import { ParseError } from "../errors.js";

/**
 * Where the front-matter and the body sit in a bead file's text, by offset, so that edits can
 * splice the original text instead of re-serialising it.
 */
export interface FrontMatterSplit {
  /** "\uFEFF" when the file starts with a byte-order mark, else "". */
  bom: string;
  /** The line ending the file uses (from its first line). */
  eol: "\n" | "\r\n";
  /** The YAML between the fences, exactly as written. */
  yaml: string;
  /** Offset in the full text where the YAML starts (just after the opening fence line). */
  yamlStart: number;
  /** Offset in the full text where the closing fence line starts. */
  yamlEnd: number;
  /** 1-based line number of the first YAML line. */
  yamlLine: number;
  /** Offset in the full text where the body starts (just after the closing fence line). */
  bodyStart: number;
  body: string;
  /** 1-based line number of the first body line. */
  bodyLine: number;
}

const FENCE = /^---[ \t]*$/;
const CLOSE_FENCE = /^(---|\.\.\.)[ \t]*$/;

export function splitFrontMatter(text: string, file: string): FrontMatterSplit {
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  const start = bom.length;
  const firstEnd = text.indexOf("\n", start);
  const firstLine = stripCr(text.slice(start, firstEnd === -1 ? text.length : firstEnd));
  if (!FENCE.test(firstLine)) {
    throw new ParseError(file, 1, "no front-matter", "start the file with a line '---', then 'title: ...', then '---'");
  }
  if (firstEnd === -1) {
    throw new ParseError(file, 1, "front-matter opened on line 1 is never closed", "add a line '---' after the fields");
  }
  const eol = text[firstEnd - 1] === "\r" ? "\r\n" : "\n";
  const yamlStart = firstEnd + 1;
  let lineStart = yamlStart;
  let line = 2;
  while (lineStart <= text.length) {
    const nl = text.indexOf("\n", lineStart);
    const lineEnd = nl === -1 ? text.length : nl;
    if (CLOSE_FENCE.test(stripCr(text.slice(lineStart, lineEnd)))) {
      const bodyStart = nl === -1 ? text.length : nl + 1;
      return {
        bom,
        eol,
        yaml: text.slice(yamlStart, lineStart),
        yamlStart,
        yamlEnd: lineStart,
        yamlLine: 2,
        bodyStart,
        body: text.slice(bodyStart),
        bodyLine: line + 1,
      };
    }
    if (nl === -1) break;
    lineStart = nl + 1;
    line++;
  }
  throw new ParseError(file, 1, "front-matter opened on line 1 is never closed", "add a line '---' after the fields");
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** 1-based line of an offset in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
