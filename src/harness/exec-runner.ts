import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execEnv, expandArgv } from "./exec-env.js";

/**
 * `provider: exec` (DESIGN §12): an outside harness (Aider, Qwen Code…) run in a bead's
 * workspace with the bead's prompt. No shell; its own process group, so that the timeout and
 * the AbortSignal end it and everything it started (SIGTERM, then SIGKILL after a grace).
 * Committing the workspace's changes is the caller's (the workspace module's) job.
 */
export interface ExecRunOptions {
  /** argv; the first element is the program. */
  command: readonly string[];
  prompt: string;
  beadId: string;
  /** The workspace's absolute path: the child's cwd. */
  workspace: string;
  /** The person's environment; board secrets are withheld from it (see exec-env.ts). */
  env: NodeJS.ProcessEnv;
  secretNames?: readonly string[];
  /** Variables passed although they look secret (the agent's own api_key_env). */
  pass?: readonly string[];
  timeoutMs: number;
  signal?: AbortSignal;
  /** stdout kept as the result; the rest is read and dropped. */
  maxResultBytes?: number;
  /** Between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  /** Each stdout chunk as it comes (a transcript, a progress line); not capped here. */
  onOutput?: (chunk: string) => void;
}

export interface ExecOutcome {
  status: "done" | "failed";
  /** Why it ended: its own exit, the timeout, or the signal. */
  ended: "exit" | "timeout" | "aborted" | "spawn-error";
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  /** stdout, capped at maxResultBytes (UTF-8, cut on a character boundary). */
  result: string;
  resultTruncated: boolean;
  /** The last bytes of stderr, for the failure message. */
  stderrTail: string;
}

const DEFAULT_MAX_RESULT = 64 * 1024;
const STDERR_TAIL = 4 * 1024;
const DEFAULT_GRACE_MS = 5_000;

export async function runExec(options: ExecRunOptions): Promise<ExecOutcome> {
  if (options.command.length === 0 || !options.command[0]) throw new TypeError("provider: exec needs a command: [program, args…]");
  // The prompt file lives outside the workspace, so that it is never committed with the work.
  const promptDir = mkdtempSync(join(tmpdir(), "bead-exec-"));
  const promptFile = join(promptDir, "prompt.md");
  writeFileSync(promptFile, options.prompt, { mode: 0o600 });
  try {
    return await runChild(options, promptFile);
  } finally {
    rmSync(promptDir, { recursive: true, force: true });
  }
}

function runChild(options: ExecRunOptions, promptFile: string): Promise<ExecOutcome> {
  const [program, ...args] = expandArgv(options.command, { prompt: options.prompt, promptFile, workspace: options.workspace });
  const env = execEnv({ env: options.env, secretNames: options.secretNames, pass: options.pass, beadId: options.beadId, workspace: options.workspace, promptFile });
  const maxResult = options.maxResultBytes ?? DEFAULT_MAX_RESULT;
  return new Promise((resolve) => {
    let ended: ExecOutcome["ended"] = "exit";
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let truncated = false;
    let stderr = Buffer.alloc(0);
    let killTimer: NodeJS.Timeout | undefined;
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(program!, args, { cwd: options.workspace, env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    } catch (error) {
      // Some refusals (E2BIG: an argument over 128 KB) are thrown at once, not emitted.
      const message = error instanceof Error ? error.message : String(error);
      return resolve({ status: "failed", ended: "spawn-error", exitCode: null, exitSignal: null, result: "", resultTruncated: false, stderrTail: `${program}: ${message}` });
    }

    const killGroup = (why: "timeout" | "aborted") => {
      if (child.exitCode !== null || child.signalCode !== null || ended !== "exit") return;
      ended = why;
      signalGroup(child.pid, "SIGTERM");
      killTimer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), options.killGraceMs ?? DEFAULT_GRACE_MS);
    };
    const timeout = setTimeout(() => killGroup("timeout"), options.timeoutMs);
    const onAbort = () => killGroup("aborted");
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });

    child.stdout.on("data", (chunk: Buffer) => {
      options.onOutput?.(chunk.toString("utf8"));
      if (stdoutBytes >= maxResult) return void (truncated = true);
      const room = maxResult - stdoutBytes;
      if (chunk.length > room) truncated = true;
      const kept = chunk.subarray(0, room);
      stdout.push(kept);
      stdoutBytes += kept.length;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > STDERR_TAIL) stderr = stderr.subarray(stderr.length - STDERR_TAIL);
    });
    // A harness that never reads stdin closes it early: that is not a failure.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.prompt);

    const finish = (exitCode: number | null, exitSignal: NodeJS.Signals | null, spawnError?: Error) => {
      clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener("abort", onAbort);
      // Whatever the harness left running in its group goes with it.
      if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      const result = new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(stdout)).replace(/\uFFFD$/, "");
      const status = !spawnError && ended === "exit" && exitCode === 0 ? "done" : "failed";
      const tail = spawnError ? `${program}: ${spawnError.message}` : stderr.toString("utf8");
      resolve({ status, ended: spawnError ? "spawn-error" : ended, exitCode, exitSignal, result, resultTruncated: truncated, stderrTail: tail });
    };
    // The harness is done; anything it left holding our pipes would keep "close" from coming.
    child.on("exit", () => signalGroup(child.pid, "SIGKILL"));
    let settled = false;
    child.on("error", (error) => {
      if (settled) return;
      settled = true;
      finish(null, null, error);
    });
    child.on("close", (code, signal) => {
      if (settled) return;
      settled = true;
      finish(code, signal);
    });
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}
