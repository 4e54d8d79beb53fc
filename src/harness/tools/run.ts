/**
 * run {command: [argv...]}: an allow-listed argv through src/policy/run.ts: no shell, the
 * workspace as cwd, PATH only in the environment (no tokens or keys), a timeout, output capped
 * and the process group killed. A command the policy refuses is a refusal, never an exception.
 */
import * as z from "../../schema/zod.js";
import type { HarnessTool } from "../tool.js";
import { runAllowed, type RunResult } from "../../policy/run.js";
import { defineTool } from "./define.js";

export const RUN_DEFAULT_TIMEOUT_MS = 120_000;
export const RUN_MAX_OUTPUT_BYTES = 32 * 1024;

export const runSchema = z.object({
  command: z
    .array(z.string().check(z.maxLength(4096)))
    .check(z.minLength(1), z.maxLength(100), z.describe("Program and arguments as a list, e.g. [\"npm\", \"test\"]. No shell: pipes, ; and $() are not interpreted.")),
});

export interface RunToolOptions {
  timeoutMs?: number;
  maxOutputBytes?: number;
}

export function makeRunTool(options: RunToolOptions = {}): HarnessTool<z.output<typeof runSchema>> {
  const timeoutMs = options.timeoutMs ?? RUN_DEFAULT_TIMEOUT_MS;
  const maxOutputBytes = options.maxOutputBytes ?? RUN_MAX_OUTPUT_BYTES;
  return defineTool(
    "run",
    `Run an allow-listed command (argv list, no shell) in the workspace. Times out after ${seconds(timeoutMs)}; output capped at ${maxOutputBytes / 1024} KB per stream.`,
    runSchema,
    async (input, ctx) => {
      const result = await runAllowed({ command: input.command }, { allow: ctx.allow, cwd: ctx.root, timeoutMs, env: {}, maxOutputBytes }, ctx.signal);
      return { text: renderRun(input.command, result, timeoutMs) };
    },
  );
}

/** Pure: what the model reads about a finished command. */
export function renderRun(argv: string[], result: RunResult, timeoutMs: number): string {
  const status = result.timedOut
    ? `timed out after ${seconds(timeoutMs)} and was killed`
    : result.signal
      ? `ended by ${result.signal}`
      : `exit code ${String(result.exitCode)}`;
  const parts = [`$ ${argv.map((a) => JSON.stringify(a)).join(" ")}`, status];
  if (result.stdout !== "") parts.push(`stdout:\n${result.stdout}`);
  if (result.stderr !== "") parts.push(`stderr:\n${result.stderr}`);
  return parts.join("\n");
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

export const runTool = makeRunTool();
