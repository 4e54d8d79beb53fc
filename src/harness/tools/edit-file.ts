/** edit_file {path, old_text, new_text}: replace the one exact occurrence of old_text; written atomically. */
import { lstat } from "node:fs/promises";
import * as z from "../../schema/zod.js";
import { resolveInWorkspace } from "../confine.js";
import { defineTool, refused, shown } from "./define.js";
import { looksBinary, readRegularFile, writeAtomically } from "./files.js";
import { WRITE_MAX_BYTES } from "./write-file.js";

export const editFileSchema = z.object({
  path: z.string().check(z.minLength(1), z.maxLength(4096), z.describe("File path relative to the workspace root.")),
  old_text: z.string().check(z.minLength(1), z.maxLength(WRITE_MAX_BYTES), z.describe("Exact text to replace, including whitespace; must occur exactly once in the file.")),
  new_text: z.string().check(z.maxLength(WRITE_MAX_BYTES), z.describe("Replacement text.")),
});

export const editFileTool = defineTool(
  "edit_file",
  "Replace one exact occurrence of old_text with new_text in a file. old_text must match exactly once (copy it from read_file, without the line numbers).",
  editFileSchema,
  async (input, ctx) => {
    const path = resolveInWorkspace(ctx.root, input.path, "edit_file");
    const name = shown(ctx.root, path);
    const { bytes, size } = await readRegularFile("edit_file", path, name, WRITE_MAX_BYTES + 1);
    if (size > WRITE_MAX_BYTES) return refused(`edit_file: ${name} is ${size} bytes, over the ${WRITE_MAX_BYTES}-byte limit for editing.`);
    if (looksBinary(bytes)) return refused(`edit_file: ${name} is a binary file.`);
    const text = bytes.toString("utf8");
    const count = countOccurrences(text, input.old_text);
    if (count === 0) return refused(`edit_file: old_text matches 0 times in ${name}; nothing was changed. Read the file again and copy the exact text (whitespace included, without line numbers).`);
    if (count > 1) return refused(`edit_file: old_text matches ${count} times in ${name}; nothing was changed. Include more surrounding lines so it matches exactly once.`);
    const at = text.indexOf(input.old_text);
    const next = text.slice(0, at) + input.new_text + text.slice(at + input.old_text.length);
    if (Buffer.byteLength(next) > WRITE_MAX_BYTES) return refused(`edit_file: the result would be over ${WRITE_MAX_BYTES} bytes; nothing was changed.`);
    const { mode } = await lstat(path);
    await writeAtomically(path, next, mode & 0o777);
    const line = text.slice(0, at).split("\n").length;
    return { text: `edited ${name}: replaced 1 occurrence at line ${line} (${input.old_text.split("\n").length} lines → ${input.new_text.split("\n").length} lines).` };
  },
);

/** Pure: non-overlapping occurrences of `needle` in `haystack`. */
export function countOccurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}
