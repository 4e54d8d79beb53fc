/**
 * The git CLI, for what isomorphic-git cannot do: linked worktrees. Run without a shell, with an
 * environment that cannot redirect git to another repository, bounded in time and abortable.
 */
import { execFile } from "node:child_process";
import { devNull } from "node:os";
import { GitError } from "../errors.js";

/** Inherited variables that would point git at another repository or index (e.g. from a hook). */
const REDIRECTING = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_PREFIX"];

const GIT_TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 16 * 1024 * 1024;

export interface GitRun {
  cwd: string;
  args: string[];
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** Exit codes that are answers, not failures (e.g. 1 for `diff --quiet`). */
  okCodes?: number[];
}

export interface GitResult {
  stdout: string;
  code: number;
}

export function git(run: GitRun): Promise<GitResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: "0", ...run.env };
  for (const name of REDIRECTING) delete env[name];
  return new Promise((resolve, reject) => {
    // The repository's hooks are the person's: an agent's worktree add or commit runs none (post-checkout, post-commit…).
    execFile("git", ["-c", `core.hooksPath=${devNull}`, ...run.args], { cwd: run.cwd, env, timeout: GIT_TIMEOUT_MS, maxBuffer: MAX_OUTPUT, signal: run.signal }, (error, stdout, stderr) => {
      if (error === null) return resolve({ stdout, code: 0 });
      const code = typeof error.code === "number" ? error.code : -1;
      if (run.okCodes?.includes(code)) return resolve({ stdout, code });
      reject(new GitError(`git ${run.args.join(" ")} failed in ${run.cwd}: ${(stderr || error.message).trim()}`, { cwd: run.cwd, code }, { cause: error }));
    });
  });
}

export async function gitText(run: GitRun): Promise<string> {
  return (await git(run)).stdout.trim();
}
