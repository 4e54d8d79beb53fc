/**
 * A bead's workspace: a linked git worktree on branch `bead/<id>`, kept under the repository's
 * common git dir (`.git/beadboard/worktrees/<id>`) so it is never part of the person's checkout.
 * Only the worktree's own index and HEAD are written; the person's checkout, index, HEAD and stash
 * are never touched. `repoDir` is the board's repository, or another local repository named by
 * an agent's `workspace:`.
 *
 *   open   → a worktree on bead/<id>, from `base` (default: the repository's HEAD commit)
 *   commit → the worktree's changes committed on bead/<id> by the agent; null when none
 *   remove → the worktree goes; the branch too when it has no commits of its own
 */
import { existsSync, mkdirSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { GitError } from "../errors.js";
import { git, gitText } from "./git-cli.js";

export interface Workspace {
  beadId: string;
  /** The repository the worktree belongs to (its main working directory). */
  repoDir: string;
  /** The worktree's absolute path; the only directory tools may touch. */
  dir: string;
  /** `bead/<id>`. */
  branch: string;
  /** The commit the branch started from (for "has commits of its own" and diffs). */
  base: string;
}

export interface OpenWorkspaceOptions {
  repoDir: string;
  beadId: string;
  /** A ref or commit to branch from; default the repository's HEAD (the board's branch). */
  base?: string;
  signal?: AbortSignal;
}

export interface CommitOptions {
  author: { name: string; email: string };
  message: string;
  signal?: AbortSignal;
}

export interface WorkspaceCommit {
  branch: string;
  commit: string;
  /** `git diff --stat` of the commit against the branch's base. */
  diffstat: string;
}

/** Bead ids become branch names and directory names: nothing that git or a path could misread. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

export function branchOf(beadId: string): string {
  return `bead/${beadId}`;
}

export async function openWorkspace(options: OpenWorkspaceOptions): Promise<Workspace> {
  const { beadId, signal } = options;
  if (!SAFE_ID.test(beadId)) throw new GitError(`cannot open a workspace for bead ${JSON.stringify(beadId)}: the id is not a safe branch name`, { beadId });
  const repoDir = resolve(options.repoDir);
  const commonDir = await gitText({ cwd: repoDir, args: ["rev-parse", "--git-common-dir"], signal });
  const root = join(isAbsolute(commonDir) ? commonDir : resolve(repoDir, commonDir), "beadboard", "worktrees");
  const dir = join(root, beadId);
  const branch = branchOf(beadId);
  const base = await gitText({ cwd: repoDir, args: ["rev-parse", "--verify", `${options.base ?? "HEAD"}^{commit}`], signal });
  // A worktree left by a crashed attempt goes first; its branch (and any commits on it) stays.
  if (existsSync(dir)) await git({ cwd: repoDir, args: ["worktree", "remove", "--force", dir], signal, okCodes: [128] });
  await git({ cwd: repoDir, args: ["worktree", "prune"], signal });
  mkdirSync(root, { recursive: true });
  const branchExists = (await git({ cwd: repoDir, args: ["show-ref", "--verify", "--quiet", `refs/heads/${branch}`], signal, okCodes: [1] })).code === 0;
  const args = branchExists ? ["worktree", "add", "--quiet", dir, branch] : ["worktree", "add", "--quiet", "-b", branch, dir, base];
  await git({ cwd: repoDir, args, signal });
  return { beadId, repoDir, dir, branch, base };
}

/** Commits everything the agent changed in the worktree; null when nothing changed. */
export async function commitWorkspace(ws: Workspace, options: CommitOptions): Promise<WorkspaceCommit | null> {
  const { signal } = options;
  await git({ cwd: ws.dir, args: ["add", "-A"], signal });
  const staged = await git({ cwd: ws.dir, args: ["diff", "--cached", "--quiet"], signal, okCodes: [1] });
  if (staged.code === 0) return null;
  const { name, email } = options.author;
  const env = { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
  // --no-verify: the repository's hooks are the person's, not to be run on an agent's change.
  await git({ cwd: ws.dir, args: ["commit", "--quiet", "--no-verify", "-m", options.message], env, signal });
  const commit = await gitText({ cwd: ws.dir, args: ["rev-parse", "HEAD"], signal });
  const diffstat = await gitText({ cwd: ws.dir, args: ["diff", "--stat", ws.base, commit], signal });
  return { branch: ws.branch, commit, diffstat };
}

/** Removes the worktree; deletes the branch when it holds no commits beyond its base. */
export async function removeWorkspace(ws: Workspace, signal?: AbortSignal): Promise<{ branchDeleted: boolean }> {
  if (existsSync(ws.dir)) await git({ cwd: ws.repoDir, args: ["worktree", "remove", "--force", ws.dir], signal });
  await git({ cwd: ws.repoDir, args: ["worktree", "prune"], signal });
  const own = await gitText({ cwd: ws.repoDir, args: ["rev-list", "--count", `${ws.base}..refs/heads/${ws.branch}`], signal });
  if (own !== "0") return { branchDeleted: false };
  await git({ cwd: ws.repoDir, args: ["branch", "-D", "--quiet", ws.branch], signal });
  return { branchDeleted: true };
}
