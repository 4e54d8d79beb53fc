/**
 * Temp boards: real git repositories in fresh temp dirs, built from a declared file tree.
 * Test-only code. It deliberately does not import vitest, so race tests can use it from
 * child processes too.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";

export interface TempBoard {
  dir: string;
  /**
   * Runs system git in `dir` synchronously and returns stdout; throws with stderr on failure.
   * Blocks the event loop: never use it to talk to a server running in this same process
   * (the in-process git server could not answer and the call would hang). Use gitAsync.
   */
  git(args: string[]): string;
  /** Like git(), but asynchronous: required for clone/fetch/push against startGitServer(). */
  gitAsync(args: string[]): Promise<string>;
  write(rel: string, text: string): void;
  read(rel: string): string;
  /** Removes the temp dir. Idempotent, so `afterEach(() => board.cleanup())` is always safe. */
  cleanup(): Promise<void>;
}

export interface MakeTempBoardOptions {
  /** Default true: commit the files as an initial commit (an empty one when there are none). */
  commit?: boolean;
  /** Default "main". */
  branch?: string;
}

export class GitCommandError extends Error {
  readonly code = "E_GIT_CLI";
  constructor(
    readonly args: string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly stdout: string,
  ) {
    super(`git ${args.join(" ")} failed (exit ${String(exitCode)}): ${stderr.trim()}`);
    this.name = "GitCommandError";
  }
}

/** Environment variables that would redirect git to another repo if inherited (e.g. from a hook). */
const REPO_REDIRECTING_VARS = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_CEILING_DIRECTORIES",
];

/**
 * Env for running the git CLI deterministically. The machine may have no global identity,
 * so identity always comes from here. Config overrides go through GIT_CONFIG_COUNT because
 * a user's global config (HOME is left as is) might sign commits or convert line endings;
 * `extra` adds more (bench/sync.js: the auth header), so nothing is written to a config file.
 */
export function gitEnv(extra: ReadonlyArray<readonly [string, string]> = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of REPO_REDIRECTING_VARS) delete env[key];
  for (const key of Object.keys(env)) {
    if (key.startsWith("GIT_CONFIG_")) delete env[key];
  }
  const config: Array<readonly [string, string]> = [
    ["commit.gpgsign", "false"],
    ["tag.gpgsign", "false"],
    ["core.autocrlf", "false"],
    ...extra,
  ];
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return {
    ...env,
    GIT_CONFIG_COUNT: String(config.length),
    GIT_AUTHOR_NAME: "Test Author",
    GIT_AUTHOR_EMAIL: "author@beadboard.test",
    GIT_COMMITTER_NAME: "Test Committer",
    GIT_COMMITTER_EMAIL: "committer@beadboard.test",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_PAGER: "cat",
    PAGER: "cat",
    // A 401 must fail the command, not wait for a password on a terminal.
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "",
    SSH_ASKPASS: "",
    LC_ALL: "C",
  };
}

/** Runs the git CLI asynchronously in `cwd`; resolves with stdout. */
export function runGit(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      "git",
      args,
      { cwd, env: gitEnv(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const exitCode = typeof err.code === "number" ? err.code : null;
          reject(new GitCommandError(args, exitCode, stderr, stdout));
        } else {
          resolvePromise(stdout);
        }
      },
    );
  });
}

/** Runs the git CLI synchronously in `cwd`; returns stdout. See TempBoard.git for the caveat. */
export function runGitSync(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, {
      cwd,
      env: gitEnv(),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (err) {
    const e = err as { status?: number | null; stderr?: string | Buffer; stdout?: string | Buffer };
    throw new GitCommandError(args, e.status ?? null, String(e.stderr ?? ""), String(e.stdout ?? ""));
  }
}

const live = new Set<TempBoard>();

/** Cleans every board not yet cleaned: `afterEach(cleanupTempBoards)` covers a whole file. */
export async function cleanupTempBoards(): Promise<void> {
  await Promise.all([...live].map((b) => b.cleanup()));
}

function insideDir(dir: string, rel: string): string {
  const full = resolve(dir, rel);
  if (!full.startsWith(dir + sep)) throw new Error(`path escapes the board: ${rel}`);
  return full;
}

export async function makeTempBoard(
  files: Record<string, string> = {},
  opts: MakeTempBoardOptions = {},
): Promise<TempBoard> {
  const branch = opts.branch ?? "main";
  // git prints real paths (macOS /tmp is /private/tmp); keep `dir` comparable with them.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "beadboard-board-")));
  let cleaned = false;
  const board: TempBoard = {
    dir,
    git: (args) => runGitSync(dir, args),
    gitAsync: (args) => runGit(dir, args),
    write(rel, text) {
      const full = insideDir(dir, rel);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
    },
    read: (rel) => readFileSync(insideDir(dir, rel), "utf8"),
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      live.delete(board);
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
  live.add(board);
  try {
    await runGit(dir, ["init", "-q", "-b", branch]);
    for (const [rel, text] of Object.entries(files)) board.write(rel, text);
    if (opts.commit ?? true) {
      await runGit(dir, ["add", "-A"]);
      await runGit(dir, ["commit", "-q", "--allow-empty", "-m", "initial board"]);
    }
  } catch (err) {
    await board.cleanup();
    throw err;
  }
  return board;
}
