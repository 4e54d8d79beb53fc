/**
 * search {pattern, path?}: lines holding `pattern` as a literal string, as `path:line: text`.
 * Literal on purpose: a model-written regular expression could backtrack for hours (ReDoS) and
 * JavaScript regexes cannot be given a time limit. Only regular text files git would list are
 * searched; every file read and the total scanned are bounded.
 */
import { join } from "node:path";
import * as z from "../../schema/zod.js";
import { resolveInWorkspace } from "../confine.js";
import { defineTool, shown } from "./define.js";
import { looksBinary, lstatOrUndefined, readRegularFile } from "./files.js";
import { gitListFiles } from "./list-files.js";

export const SEARCH_MAX_MATCHES = 200;
export const SEARCH_MAX_BYTES = 64 * 1024;
export const SEARCH_MAX_FILE_BYTES = 1024 * 1024;
export const SEARCH_MAX_SCANNED_BYTES = 64 * 1024 * 1024;
const MAX_LINE_CHARS = 300;

export const searchSchema = z.object({
  pattern: z.string().check(z.minLength(1), z.maxLength(500), z.describe("Text to find, matched literally (not a regular expression), case-sensitive.")),
  path: z.optional(z.string().check(z.maxLength(4096), z.describe("File or directory to search, relative to the workspace root; default the root."))),
});

export const searchTool = defineTool(
  "search",
  `Find lines containing a literal string in the workspace's files (respecting .gitignore). Prints path:line: text, at most ${SEARCH_MAX_MATCHES} matches.`,
  searchSchema,
  async (input, ctx) => {
    const target = resolveInWorkspace(ctx.root, input.path ?? ".", "search");
    const stat = await lstatOrUndefined(target);
    const rel = shown(ctx.root, target);
    if (!stat) return { text: `search: ${rel} does not exist.`, refused: true };
    const files = stat.isFile() ? [rel] : await gitListFiles(ctx.root, rel, undefined, ctx.signal);
    const out: string[] = [];
    let bytes = 0;
    let scanned = 0;
    let matches = 0;
    let cut: string | undefined;
    for (const file of files) {
      ctx.signal.throwIfAborted();
      const st = await lstatOrUndefined(join(ctx.root, file));
      if (!st?.isFile() || st.size > SEARCH_MAX_FILE_BYTES) continue;
      if (scanned + st.size > SEARCH_MAX_SCANNED_BYTES) {
        cut = `stopped after scanning ${scanned} bytes; narrow with path`;
        break;
      }
      scanned += st.size;
      const { bytes: content } = await readRegularFile("search", join(ctx.root, file), file, SEARCH_MAX_FILE_BYTES);
      if (looksBinary(content)) continue;
      const lines = content.toString("utf8").split("\n");
      for (let i = 0; i < lines.length && cut === undefined; i++) {
        const line = lines[i]!;
        if (!line.includes(input.pattern)) continue;
        const text = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
        const entry = `${file}:${i + 1}: ${text}`;
        if (matches >= SEARCH_MAX_MATCHES || bytes + entry.length > SEARCH_MAX_BYTES) cut = `more than ${matches} matches; narrow with path or a longer pattern`;
        else {
          out.push(entry);
          bytes += entry.length + 1;
          matches++;
        }
      }
      if (cut) break;
    }
    if (out.length === 0) return { text: `no matches for ${JSON.stringify(input.pattern)}${cut ? ` (${cut})` : ""}` };
    return { text: out.join("\n") + (cut ? `\n[cut: ${cut}]` : "") };
  },
);
