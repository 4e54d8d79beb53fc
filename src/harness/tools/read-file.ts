/** read_file {path, start_line?, end_line?}: numbered lines of one regular file, capped, saying when cut. */
import * as z from "../../schema/zod.js";
import { resolveInWorkspace } from "../confine.js";
import { defineTool, refused, shown } from "./define.js";
import { looksBinary, readRegularFile } from "./files.js";

export const READ_MAX_LINES = 400;
export const READ_MAX_BYTES = 64 * 1024;
/** The most of one file read into memory to find the lines asked for. */
export const READ_SCAN_BYTES = 8 * 1024 * 1024;

export const readFileSchema = z.object({
  path: z.string().check(z.minLength(1), z.maxLength(4096), z.describe("File path relative to the workspace root, e.g. \"src/index.js\".")),
  start_line: z.optional(z.int().check(z.gte(1), z.describe("First line to show (1-based); default 1."))),
  end_line: z.optional(z.int().check(z.gte(1), z.describe(`Last line to show; at most ${READ_MAX_LINES} lines are shown per call.`))),
});

export const readFileTool = defineTool(
  "read_file",
  `Read a text file of the workspace with numbered lines. At most ${READ_MAX_LINES} lines or ${READ_MAX_BYTES / 1024} KB per call; use start_line/end_line to page.`,
  readFileSchema,
  async (input, ctx) => {
    const path = resolveInWorkspace(ctx.root, input.path, "read_file");
    const name = shown(ctx.root, path);
    const start = input.start_line ?? 1;
    if (input.end_line !== undefined && input.end_line < start) return refused(`read_file: end_line (${input.end_line}) is before start_line (${start}).`);
    const { bytes, size } = await readRegularFile("read_file", path, name, READ_SCAN_BYTES);
    if (looksBinary(bytes)) return refused(`read_file: ${name} is a binary file (${size} bytes); only text files can be read.`);
    return { text: renderLines(name, bytes.toString("utf8"), start, input.end_line, size > bytes.length) };
  },
);

/** Pure: the numbered window of `text`, with a note saying what was left out and how to get it. */
export function renderLines(name: string, text: string, start: number, end: number | undefined, scanCut: boolean): string {
  const lines = text.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  const total = lines.length;
  if (text === "") return `${name}: (empty file)`;
  if (start > total) return `${name} has ${total}${scanCut ? "+" : ""} lines; start_line ${start} is past the end.`;
  const last = Math.min(end ?? total, total, start + READ_MAX_LINES - 1);
  const width = String(last).length;
  const out: string[] = [];
  let bytes = 0;
  let shownLast = start - 1;
  for (let n = start; n <= last; n++) {
    const line = `${String(n).padStart(width)}\t${lines[n - 1] ?? ""}`;
    bytes += Buffer.byteLength(line) + 1;
    if (bytes > READ_MAX_BYTES && n > start) break;
    out.push(bytes > READ_MAX_BYTES ? `${line.slice(0, READ_MAX_BYTES)} [line cut]` : line);
    shownLast = n;
  }
  const wanted = Math.min(end ?? total, total);
  if (shownLast < wanted || (scanCut && end === undefined)) {
    out.push(`[cut: showed lines ${start}-${shownLast} of ${total}${scanCut ? "+ (file larger than the scan limit)" : ""}; call read_file with start_line=${shownLast + 1} for more]`);
  }
  return out.join("\n");
}
