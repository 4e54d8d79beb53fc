/**
 * Where an exec agent's program would be found, the way spawn (no shell) finds it: a path with a
 * slash as given (relative to the workspace), else the first executable of that name on PATH.
 * For `bead doctor`; the run itself still reports a spawn error on its own.
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";

export function findProgram(program: string, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (program.includes("/")) {
    const path = isAbsolute(program) ? program : resolve(cwd, program);
    return isExecutableFile(path) ? path : undefined;
  }
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, program);
    if (isExecutableFile(path)) return path;
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
