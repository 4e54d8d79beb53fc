import { execFile, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll } from "vitest";
import { main } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/io.js";
import { cleanupTempBoards, gitEnv } from "./temp-board.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `bead` in this process (fast), with captured output. */
export async function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string; columns?: number }): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    cwd: options.cwd,
    env: { ...gitEnv(), ...options.env },
    out: (text) => {
      stdout += typeof text === "string" ? text : Buffer.from(text).toString("utf8");
    },
    err: (text) => {
      stderr += text;
    },
    readStdin: async () => options.stdin ?? "",
    columns: options.columns ?? 120,
    isTTY: false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

export const BEAD_BIN = fileURLToPath(new URL("../../bin/bead.js", import.meta.url));

/**
 * For a test file that starts the built `bead` (BEAD_BIN) as long-running processes: fails at
 * once when the bundles bin/bead.js loads are missing, and after each test SIGKILLs every child
 * pushed onto the returned list that still runs, then removes the temp boards (in that order:
 * a live process may still be writing into its board).
 */
export function beadProcessesOfEachTest(): ChildProcess[] {
  const children: ChildProcess[] = [];
  beforeAll(() => {
    for (const bundle of ["launch.cjs", "bead.cjs"]) {
      if (!existsSync(fileURLToPath(new URL(`../../dist/bundle/${bundle}`, import.meta.url)))) throw new Error(`dist/bundle/${bundle} is missing: run \`npm run build\` first`);
    }
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await cleanupTempBoards();
  });
  return children;
}

/** Run the built `bead` as a real OS process (needs `npm run build` first; `npm test` does it). */
export function runBeadProcess(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BEAD_BIN, ...args],
      { cwd: options.cwd, env: { ...process.env, ...gitEnv(), ...options.env }, timeout: options.timeoutMs ?? 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
