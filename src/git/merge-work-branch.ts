import { execFile } from "node:child_process";
import { ConflictError, GitError, MergeOverUnsavedEditError, NotFoundError, WorkBranchConflictError } from "../errors.js";
import { withBoardLock } from "./board-lock.js";
import { currentBranchRef } from "./refs.js";

/** Bounds: git's answers here are lists of paths; a branch may touch many but not unboundedly many. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
const GIT_TIMEOUT_MS = 60_000;

export interface MergeOutcome {
  branch: string;
  into: string;
  kind: "fast-forward" | "merge-commit" | "already-merged";
  commit: string;
  files: string[];
  /** Why the work branch was kept (checked out in a worktree, say); null when it was deleted. */
  branchKept: string | null;
}

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Brings bead/<id> into the board's branch without ever leaving a half-done state: the merge
 * is computed with `git merge-tree --write-tree` (no checkout, no index), the person's unsaved
 * edits to any path the merge changes refuse it, the branch ref moves by compare-and-swap, and
 * only the changed paths are then checked out (a two-way read-tree keeps other local edits).
 */
/** Where the merge happens; a board's BoardPaths is one (git/ stays below board/). */
export interface MergeTarget {
  root: string;
  gitdir: string;
  /** The board lock lives here. */
  stateDir: string;
}

export async function mergeWorkBranch(paths: MergeTarget, id: string, signal?: AbortSignal, expectedHead?: string): Promise<MergeOutcome> {
  const run = (args: string[], ok: number[] = [0]) => git(paths.root, args, ok, signal);
  const branch = `bead/${id}`;
  return withBoardLock(paths.stateDir, async () => {
    const into = currentBranchRef(paths.gitdir);
    const work = await revParse(run, `refs/heads/${branch}`);
    if (!work) throw new NotFoundError("work branch", branch, `no branch ${branch} in this repository; \`bead diff ${id}\` shows what a writing agent left`);
    // The web board merges what the person saw: a branch that moved since (an agent's retry) is refused.
    if (expectedHead !== undefined && work !== expectedHead) {
      throw new ConflictError(branch, `moved since you looked at it (now ${work.slice(0, 10)}); reload to see the new diff, then merge again. Nothing was changed`);
    }
    const head = await revParse(run, into);
    if (!head) throw new GitError(`${into} has no commits yet; nothing to merge ${branch} into`, { into });
    const intoName = into.replace(/^refs\/heads\//, "");

    if ((await run(["merge-base", "--is-ancestor", work, head], [0, 1])).code === 0) {
      return { branch, into: intoName, kind: "already-merged", commit: head, files: [], branchKept: await deleteBranch(run, branch) };
    }
    const fastForward = (await run(["merge-base", "--is-ancestor", head, work], [0, 1])).code === 0;
    const commit = fastForward ? work : await mergeCommit(run, branch, head, work, intoName);
    const files = nulList((await run(["diff", "--name-only", "-z", "--no-renames", head, commit])).stdout);
    await refuseUnsavedEdits(run, branch, files);
    await run(["update-ref", "-m", `bead merge ${branch}`, into, commit, head]).catch((error: unknown) => {
      throw new GitError(`${intoName} moved while merging ${branch}; nothing was changed, merge again`, { into }, { cause: error });
    });
    // HEAD now names the merged commit; bring the index and the changed files along.
    await run(["read-tree", "-m", "-u", head, commit]);
    return { branch, into: intoName, kind: fastForward ? "fast-forward" : "merge-commit", commit, files, branchKept: await deleteBranch(run, branch) };
  });
}

async function mergeCommit(run: Run, branch: string, head: string, work: string, intoName: string): Promise<string> {
  const merged = await run(["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", head, work], [0, 1]);
  const [tree, ...conflicted] = merged.stdout.split("\0").filter(Boolean);
  if (merged.code === 1) throw new WorkBranchConflictError(branch, [...new Set(conflicted)]);
  if (!tree || !/^[0-9a-f]{40}$/.test(tree)) throw new GitError(`git merge-tree gave no tree for ${branch}`, { stdout: merged.stdout.slice(0, 200) });
  return (await run(["commit-tree", tree, "-p", head, "-p", work, "-m", `Merge ${branch} into ${intoName}`])).stdout.trim();
}

async function refuseUnsavedEdits(run: Run, branch: string, files: string[]): Promise<void> {
  const dirty = await uncommittedAmong(run, files);
  if (dirty.length > 0) throw new MergeOverUnsavedEditError(branch, dirty);
}

/** Which of `files` (paths in the checkout) a person changed and did not commit, untracked ones included. */
export async function uncommittedFiles(paths: Pick<MergeTarget, "root">, files: string[], signal?: AbortSignal): Promise<string[]> {
  return uncommittedAmong((args, ok = [0]) => git(paths.root, args, ok, signal), files);
}

async function uncommittedAmong(run: Run, files: string[]): Promise<string[]> {
  if (files.length === 0) return [];
  const status = await run(["status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all", "--", ...files.map((file) => `:(literal)${file}`)]);
  return nulList(status.stdout)
    .filter((entry) => /^.. /.test(entry))
    .map((entry) => entry.slice(3));
}

async function deleteBranch(run: Run, branch: string): Promise<string | null> {
  const deleted = await run(["branch", "-D", branch], [0, 1]);
  return deleted.code === 0 ? null : deleted.stderr.trim().split("\n")[0] || "git branch -D failed";
}

type Run = (args: string[], ok?: number[]) => Promise<GitResult>;

async function revParse(run: Run, ref: string): Promise<string | null> {
  const result = await run(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], [0, 1]);
  return result.code === 0 ? result.stdout.trim() : null;
}

function nulList(text: string): string[] {
  return text.split("\0").filter(Boolean);
}

function git(cwd: string, args: string[], ok: number[], signal?: AbortSignal): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, signal, timeout: GIT_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      if (ok.includes(code)) resolve({ code, stdout, stderr });
      else reject(new GitError(`git ${args[0]} failed: ${stderr.trim().split("\n")[0] || error?.message}`, { args: args.slice(0, 3), code }, { cause: error }));
    });
  });
}
