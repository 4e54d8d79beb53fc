import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/io.js";
import { gitEnv } from "./temp-board.js";

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
