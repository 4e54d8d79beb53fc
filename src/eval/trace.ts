/**
 * What the model did, read back from the tool loop's transcript (src/harness/transcript.ts):
 * every call in order with its parsed arguments, what came back, and whether the harness refused
 * it or it failed. Pure. The loop runs the calls of one reply in order and records a guardrail
 * event before the result of a refused or failed call, so results pair with calls by position.
 */
import type { TranscriptEntry } from "../harness/transcript.js";

export interface TracedCall {
  step: number;
  tool: string;
  /** The parsed JSON arguments; undefined when they were not JSON. */
  args: unknown;
  /** The text the model got back; undefined for the call that ended the loop (finish, a repeat, an abort). */
  result?: string;
  /** tool_refused or tool_error when the harness did not run the call as asked; not_run when the loop ended first. */
  problem?: string;
}

export interface Trace {
  calls: TracedCall[];
  /** How the loop ended: finish, text, step_limit, loop, timeout, aborted. */
  stop: string;
  reason: string;
}

export function traceOf(entries: readonly TranscriptEntry[]): Trace {
  const calls: TracedCall[] = [];
  let pending = 0; // index in `calls` of the next call waiting for its result
  let problem: string | undefined;
  let stop = "aborted";
  let reason = "the loop did not end";
  for (const entry of entries) {
    if (entry.kind === "reply") {
      pending = calls.length;
      for (const call of asCalls(entry.toolCalls)) calls.push({ step: entry.step, tool: call.name, args: parseArgs(call.arguments) });
    } else if (entry.kind === "event" && typeof entry.category === "string") {
      problem = entry.category;
    } else if (entry.kind === "tool") {
      const call = calls[pending];
      if (call) {
        call.result = typeof entry.text === "string" ? entry.text : "";
        if (problem !== undefined) call.problem = problem;
      }
      problem = undefined;
      pending += 1;
    } else if (entry.kind === "end") {
      stop = String(entry.stop);
      reason = String(entry.reason);
    }
  }
  // A call after the one that ended the loop (finish, a repeat, the stop) never ran: it counts as no use of its tool.
  for (const call of calls) if (call.result === undefined && call.tool !== "finish") call.problem ??= "not_run";
  return { calls, stop, reason };
}

function asCalls(value: unknown): { name: string; arguments: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const call = item as { name?: unknown; arguments?: unknown };
    return typeof call.name === "string" ? [{ name: call.name, arguments: typeof call.arguments === "string" ? call.arguments : "" }] : [];
  });
}

function parseArgs(text: string): unknown {
  try {
    return text.trim() === "" ? {} : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** The `path` argument of a call, when it has one. */
export function pathArg(call: TracedCall): string | undefined {
  const path = typeof call.args === "object" && call.args !== null ? (call.args as { path?: unknown }).path : undefined;
  return typeof path === "string" ? normalise(path) : undefined;
}

/** The argv of a `run` call, when it has one. */
export function commandArg(call: TracedCall): string[] | undefined {
  const command = typeof call.args === "object" && call.args !== null ? (call.args as { command?: unknown }).command : undefined;
  return Array.isArray(command) && command.every((part) => typeof part === "string") ? (command as string[]) : undefined;
}

/** "./src//a.js" and "src/a.js" name the same file. */
export function normalise(path: string): string {
  return path.split("/").filter((part) => part !== "" && part !== ".").join("/");
}
