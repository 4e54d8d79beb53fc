/** write_file {path, content}: create or overwrite a file; parent directories are created inside the workspace. */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import * as z from "../../schema/zod.js";
import { resolveInWorkspace } from "../confine.js";
import { defineTool, refused, shown } from "./define.js";
import { kindOf, lstatOrUndefined, writeAtomically } from "./files.js";

export const WRITE_MAX_BYTES = 1024 * 1024;

export const writeFileSchema = z.object({
  path: z.string().check(z.minLength(1), z.maxLength(4096), z.describe("File path relative to the workspace root; missing directories are created.")),
  content: z.string().check(z.maxLength(WRITE_MAX_BYTES), z.describe("The whole new content of the file.")),
});

export const writeFileTool = defineTool(
  "write_file",
  `Create a file or replace its whole content (at most ${WRITE_MAX_BYTES / 1024} KB). Prefer edit_file for changing part of a file.`,
  writeFileSchema,
  async (input, ctx) => {
    const path = resolveInWorkspace(ctx.root, input.path, "write_file");
    const name = shown(ctx.root, path);
    const size = Buffer.byteLength(input.content);
    if (size > WRITE_MAX_BYTES) return refused(`write_file: content is ${size} bytes, over the ${WRITE_MAX_BYTES}-byte limit; nothing was written.`);
    const existing = await lstatOrUndefined(path);
    if (existing && !existing.isFile()) return refused(`write_file: ${name} is ${kindOf(existing)}; only regular files can be written.`);
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTDIR" || code === "EEXIST") return refused(`write_file: a parent of ${name} is a file, not a directory; nothing was written.`);
      throw error;
    }
    // The directories just made are plain ones, but check again: a symlink may have appeared.
    resolveInWorkspace(ctx.root, input.path, "write_file");
    await writeAtomically(path, input.content, existing ? existing.mode & 0o777 : undefined);
    return { text: `${existing ? "overwrote" : "created"} ${name} (${size} bytes).` };
  },
);
