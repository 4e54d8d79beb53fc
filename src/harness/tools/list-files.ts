/**
 * list_files {path?, pattern?}: the files git would consider (tracked, plus untracked that
 * .gitignore does not exclude), so build output and node_modules stay out. git itself does the
 * ignore rules and the glob (a `:(glob)` pathspec), with a clean environment and the signal.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as z from "../../schema/zod.js";
import { resolveInWorkspace } from "../confine.js";
import { defineTool, refused, shown } from "./define.js";
import { lstatOrUndefined } from "./files.js";

export const LIST_MAX_ENTRIES = 1000;
const GIT_MAX_BUFFER = 32 * 1024 * 1024;
const execFileAsync = promisify(execFile);

export const listFilesSchema = z.object({
  path: z.optional(z.string().check(z.maxLength(4096), z.describe("Directory relative to the workspace root; default the root."))),
  pattern: z.optional(z.string().check(z.minLength(1), z.maxLength(200), z.describe("Glob on file names, e.g. \"*.ts\" (any directory) or \"src/**/*.test.js\" (from the workspace root)."))),
});

export const listFilesTool = defineTool(
  "list_files",
  `List files of the workspace (respecting .gitignore), optionally under a directory and matching a glob. At most ${LIST_MAX_ENTRIES} paths.`,
  listFilesSchema,
  async (input, ctx) => {
    const dir = resolveInWorkspace(ctx.root, input.path ?? ".", "list_files");
    const pattern = input.pattern;
    if (pattern !== undefined && (pattern.startsWith("/") || pattern.split("/").includes(".."))) {
      return refused(`list_files: pattern ${JSON.stringify(pattern)} may not start with "/" or contain ".."; give a glob relative to path, e.g. "*.ts".`);
    }
    const stat = await lstatOrUndefined(dir);
    if (!stat) return refused(`list_files: ${shown(ctx.root, dir)} does not exist.`);
    if (!stat.isDirectory()) return { text: shown(ctx.root, dir) };
    const files = await gitListFiles(ctx.root, shown(ctx.root, dir), pattern, ctx.signal);
    if (files.length === 0) return { text: "(no files)" };
    const kept = files.slice(0, LIST_MAX_ENTRIES);
    const note = files.length > kept.length ? `\n[cut: ${files.length - kept.length} more paths not shown; narrow with path or pattern]` : "";
    return { text: kept.join("\n") + note };
  },
);

/** Paths relative to `root`, sorted, as git lists them (tracked + untracked not ignored). */
export async function gitListFiles(root: string, dir: string, pattern: string | undefined, signal: AbortSignal): Promise<string[]> {
  const base = dir === "." ? "" : `${dir}/`;
  const spec = pattern === undefined ? (base === "" ? "." : base) : `:(glob)${pattern.includes("/") ? base + pattern : `${base}**/${pattern}`}`;
  const { stdout } = await execFileAsync("git", ["-c", "core.quotePath=false", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", spec], {
    cwd: root,
    signal,
    maxBuffer: GIT_MAX_BUFFER,
    encoding: "utf8",
    env: gitEnv(),
  });
  return [...new Set(stdout.split("\0").filter((p) => p !== ""))].sort();
}

/** The environment minus GIT_* variables, which could point git at another repository. */
function gitEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^GIT_/i.test(key)));
}
