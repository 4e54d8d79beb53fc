/**
 * Path confinement for tools: a model-supplied path resolves inside the workspace or is refused,
 * with a reason the model can read. Resolved for real (realpath of the deepest existing part), so
 * a symlink inside the worktree that leads out is caught; `.git` in any form is off limits.
 */
import { lstatSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { ToolRefusedError } from "../errors.js";

/** Returns the absolute path `requested` names inside `root` (which must exist). */
export function resolveInWorkspace(root: string, requested: string, tool: string): string {
  const refuse = (why: string): never => {
    throw new ToolRefusedError(tool, `refused path ${JSON.stringify(requested)}: ${why}. Use a relative path inside the workspace, e.g. "src/index.js".`, { path: requested });
  };
  if (requested.includes("\0")) refuse("it contains a NUL byte");
  if (isAbsolute(requested) || /^[A-Za-z]:/.test(requested) || requested.startsWith("\\")) refuse("absolute paths are not allowed");
  const parts = requested.split(/[\\/]+/).filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) refuse("'..' is not allowed");
  if (parts.some((part) => part.toLowerCase() === ".git")) refuse("nothing under .git/ may be read or written");
  const realRoot = realpathSync(root);
  const target = join(realRoot, ...parts);
  const real = realOfDeepestExisting(target);
  const inside = relative(realRoot, real);
  if (inside.startsWith("..") || isAbsolute(inside)) refuse("it leads outside the workspace (through a symlink)");
  if (inside.split(sep).some((part) => part.toLowerCase() === ".git")) refuse("it leads into .git/ (through a symlink)");
  return real;
}

/** realpath of the path, or of its deepest existing ancestor joined with the parts that do not exist yet. */
function realOfDeepestExisting(path: string): string {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      lstatSync(current);
      return join(realpathSync(current), ...missing.reverse());
    } catch (error) {
      // ENOTDIR: a parent is a file, so this path does not exist either (the write fails later, readably).
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
      const parent = dirname(current);
      if (parent === current) return path;
      missing.push(current.slice(parent.length + 1));
      current = parent;
    }
  }
}
