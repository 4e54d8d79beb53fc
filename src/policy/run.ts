/**
 * The builtin `run` action: an agent may run a command only when the board's policy allows
 * that exact argv prefix. The only I/O file in src/policy/.
 *
 * Defence in depth, because the argv comes from a model that may be reading hostile text:
 * - no shell, ever (spawn with shell:false), so `;`, `|`, `$()` mean nothing to us — and we
 *   still refuse them, because allowed programs such as `npm run` hand their arguments to a
 *   shell of their own;
 * - argv[0] must equal an allowed program name exactly; a path is allowed only if the policy
 *   spells that path;
 * - arguments beyond the allowed prefix may not name anything outside the board: no `..`,
 *   no absolute paths, no symlinks (existing or dangling) that resolve out of it;
 * - the child gets PATH (absolute entries only, so a board cannot plant its own `ls`) plus
 *   the policy's env, minus variables that inject code (LD_PRELOAD, NODE_OPTIONS, GIT_*…);
 * - output is capped and the whole process group is killed on timeout or abort.
 * - an option may carry a path in any form (`-o/x`, `-uo/x` bundled, `--out=/x`, `--out:/x`,
 *   `-Dk=v,/x`): without each program's option table we read every suffix of an option and
 *   every piece after `=`, `:` or `,` as a path, and refuse the argument if any leads outside.
 */
import { spawn } from "node:child_process";
import { lstatSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, resolve, sep } from "node:path";
import { CommandRefusedError } from "../errors.js";

export interface RunRequest {
  /** argv: program and arguments, never a command line. */
  command: string[];
}

export interface RunPolicy {
  /** Allowed argv prefixes, e.g. [["npm", "test"], ["ls"]]. */
  allow: string[][];
  /** The board directory: the child's cwd, and the boundary no argument may leave. */
  cwd: string;
  timeoutMs: number;
  env?: Record<string, string>;
  /** Cap per stream; default 64 KiB. */
  maxOutputBytes?: number;
}

export interface RunResult {
  exitCode: number | null;
  /** The signal that ended the process, when one did. */
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** True when either stream went over the cap (the text then ends with a marker line). */
  truncated: boolean;
}

export type RunCheck = { allowed: true } | { allowed: false; reason: string };

const DEFAULT_MAX_OUTPUT = 64 * 1024;
const METACHARS = /[;|&$`<>(){}[\]*?~!\\'"#%^\s\x00-\x1f\x7f\u2028\u2029]/u;
const DOT_DOT = /(?:^|[/=:,]|^-[A-Za-z])\.\.(?:\/|$)/;
const ABSOLUTE = /(?:^|[=:,]|^-[A-Za-z])\/|\/\/|(?:^|[=:,])[A-Za-z]:/;
const UNSAFE_ENV = /^(?:LD_\w*|DYLD_\w*|GIT_\w*|NODE_OPTIONS|NODE_PATH|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|IFS|PYTHONSTARTUP|PYTHONPATH|PYTHONHOME|PERL5OPT|PERL5LIB|RUBYOPT|RUBYLIB|NPM_CONFIG_\w*|PATH)$/i;

const show = (arg: string): string => JSON.stringify(arg.length > 60 ? `${arg.slice(0, 60)}…` : arg);

export function checkRunAllowed(argv: string[], policy: RunPolicy): RunCheck {
  const refuse = (reason: string): RunCheck => ({ allowed: false, reason });
  if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== "string")) return refuse("the command must be a non-empty argv array of strings");
  if (argv.some((a) => a.includes("\0"))) return refuse("an argument contains a NUL byte");
  if (!(policy.timeoutMs > 0 && Number.isFinite(policy.timeoutMs))) return refuse("the run policy needs a positive timeoutMs");
  const unsafeEnv = Object.keys(policy.env ?? {}).find((name) => UNSAFE_ENV.test(name));
  if (unsafeEnv !== undefined) return refuse(`the run policy sets ${unsafeEnv}, which is never passed to commands`);

  const program = argv[0] ?? "";
  const prefixes = policy.allow.filter((p) => p.length > 0 && p.length <= argv.length && p.every((part, i) => part === argv[i]));
  if (prefixes.length === 0) {
    const listed = policy.allow.map((p) => p.join(" ")).join(", ") || "nothing";
    if (!policy.allow.some((p) => p[0] === program)) return refuse(`program ${show(program)} is not allowed (allowed: ${listed})`);
    return refuse(`${show(argv.join(" "))} does not start with an allowed command (allowed: ${listed})`);
  }
  const trusted = Math.max(...prefixes.map((p) => p.length));

  let board: string;
  try {
    board = realpathSync(policy.cwd);
  } catch {
    return refuse(`the board directory ${policy.cwd} does not exist`);
  }
  for (const arg of argv.slice(trusted)) {
    if (METACHARS.test(arg)) return refuse(`argument ${show(arg)} contains shell metacharacters or whitespace`);
    if (DOT_DOT.test(arg)) return refuse(`argument ${show(arg)} contains a ".." path segment`);
    if (ABSOLUTE.test(arg) || isAbsolute(arg)) return refuse(`argument ${show(arg)} is an absolute path`);
    for (const candidate of pathCandidates(arg)) {
      const escape = candidateProblem(candidate) ?? escapesBoard(board, candidate);
      if (escape) return refuse(`argument ${show(arg)} ${escape}${candidate === arg ? "" : ` (read as the path ${show(candidate)}; give an option and its value as two arguments)`}`);
    }
  }
  return { allowed: true };
}

/**
 * Every way a program might read `arg` as a path: the argument itself, every piece after an
 * `=`, `:` or `,`, and for an option (`-…`) every suffix, because a short option may take the
 * rest of a bundle as its value (`sort -uo/etc/x`: `-u`, then `-o` with `/etc/x`).
 */
export function pathCandidates(arg: string): string[] {
  const out = new Set<string>([arg]);
  for (let i = 0; i < arg.length; i++) if ("=:,".includes(arg[i]!)) out.add(arg.slice(i + 1));
  // A bundle of short options: any letter may be one that takes the rest as its value.
  if (/^-[^-]/.test(arg)) for (let i = 1; i < arg.length && /[A-Za-z0-9]/.test(arg[i - 1] === "-" ? "a" : arg[i - 1]!); i++) out.add(arg.slice(i));
  out.delete("");
  return [...out];
}

function candidateProblem(candidate: string): string | undefined {
  // `C:/x` and drive-relative `C:x` (on Windows, the current folder of drive C) both leave the board.
  if (isAbsolute(candidate) || /^[A-Za-z]:/.test(candidate) || candidate.startsWith("//")) return "names an absolute path";
  if (/(?:^|\/)\.\.(?:\/|$)/.test(candidate)) return "contains a \"..\" path segment";
  return undefined;
}

/** Why `candidate`, read as a path relative to the board, leads outside it; undefined if it does not. */
function escapesBoard(board: string, candidate: string): string | undefined {
  if (candidate === "") return undefined;
  let path = resolve(board, candidate);
  // A path that does not exist yet is as safe as its nearest existing ancestor, except that a
  // dangling symlink would let the command create its target wherever the link points.
  for (;;) {
    try {
      const real = realpathSync(path);
      return real === board || real.startsWith(board + sep) ? undefined : "resolves outside the board (through a symlink)";
    } catch {
      try {
        lstatSync(path);
        return "is a symlink that cannot be resolved";
      } catch {
        const parent = dirname(path);
        if (parent === path) return "is outside the board";
        path = parent;
      }
    }
  }
}

function childEnv(policy: RunPolicy): Record<string, string> {
  // Empty or relative PATH entries are looked up from the cwd, which is the board.
  const path = (process.env.PATH ?? "")
    .split(process.platform === "win32" ? ";" : ":")
    .filter((entry) => entry !== "" && isAbsolute(entry))
    .join(process.platform === "win32" ? ";" : ":");
  return { ...policy.env, PATH: path };
}

class Capture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  dropped = 0;
  constructor(private readonly cap: number) {}
  add(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (room > 0) {
      const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.chunks.push(kept);
      this.size += kept.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(room, 0));
  }
  text(): string {
    const body = Buffer.concat(this.chunks).toString("utf8");
    return this.dropped > 0 ? `${body}\n[output truncated: ${this.dropped} more bytes not shown]` : body;
  }
}

export async function runAllowed(request: RunRequest, policy: RunPolicy, signal?: AbortSignal): Promise<RunResult> {
  const argv = request.command;
  const check = checkRunAllowed(argv, policy);
  if (!check.allowed) throw new CommandRefusedError(Array.isArray(argv) ? [...argv] : [], check.reason);
  signal?.throwIfAborted();
  const [program = "", ...args] = argv;
  const groupKill = process.platform !== "win32";
  const stdout = new Capture(policy.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
  const stderr = new Capture(policy.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);

  return new Promise<RunResult>((resolvePromise, rejectPromise) => {
    const child = spawn(program, args, {
      cwd: realpathSync(policy.cwd),
      env: childEnv(policy),
      shell: false,
      // Its own process group, so that a timeout also ends whatever the command started.
      detached: groupKill,
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    let timedOut = false;
    let settled = false;
    let straggler: NodeJS.Timeout | undefined;
    const kill = (): void => {
      try {
        if (groupKill && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        else child.kill("SIGKILL");
      } catch {
        // already gone
      }
    };
    const onAbort = (): void => kill();
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, policy.timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (chunk: Buffer) => stdout.add(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.add(chunk));

    const finish = (exitCode: number | null, sig: string | null, startError?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (straggler) clearTimeout(straggler);
      signal?.removeEventListener("abort", onAbort);
      if (signal?.aborted) {
        rejectPromise(signal.reason);
        return;
      }
      const err = startError ? `${stderr.text()}could not start ${program}: ${startError.message}` : stderr.text();
      resolvePromise({
        exitCode,
        signal: sig,
        stdout: stdout.text(),
        stderr: err,
        timedOut,
        truncated: stdout.dropped > 0 || stderr.dropped > 0,
      });
    };
    child.on("error", (error) => finish(null, null, error));
    child.on("exit", () => {
      // Background processes the command left behind would keep our pipes open; end them,
      // and stop waiting for pipes held by anything that escaped the group.
      if (groupKill) kill();
      straggler = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(child.exitCode, child.signalCode);
      }, 1000);
    });
    child.on("close", (code, sig) => finish(code, sig));
  });
}
