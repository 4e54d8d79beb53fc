/**
 * The builtin `run` action: run the command a bead names, if the agent file allow-lists it.
 *
 *     run: [npm, test]          # in the bead: an argv list, never a command line
 *     allow: [[npm, test]]      # in agents/<name>.md: the argv prefixes this agent may run
 *
 * The bead proposes, the agent file disposes: src/policy/run.ts checks the argv against the
 * allow-list (no shell, no metacharacters, no `..`, no absolute paths, no symlinks out of the
 * board) and runs it in the board directory with a clean environment (PATH only: anything a
 * bead says about the environment is ignored), a timeout and capped output. A refusal is the
 * bead's result, with the reason, and the bead fails: nothing was run.
 */
import * as z from "../../schema/zod.js";
import type { BeadWithBody } from "../../bead/fields.js";
import type { WriteContext } from "../../board/write.js";
import type { WorkResult } from "../../claim/write-back.js";
import { checkRunAllowed, runAllowed, type RunPolicy, type RunResult } from "../../policy/run.js";
import type { AgentDefinition } from "../schema.js";

const argvSchema = z.array(z.pipe(z.union([z.string(), z.number()]), z.transform(String))).check(z.minLength(1));

/** The argv a bead asks for, or why it cannot be understood. Pure. */
export function runRequestOf(bead: Pick<BeadWithBody, "fields">): string[] | { error: string } {
  const raw = bead.fields.run;
  if (typeof raw === "string") return { error: "run: must be a list of arguments, e.g. `run: [npm, test]`; a command line is never given to a shell" };
  const parsed = argvSchema.safeParse(raw);
  if (!parsed.success) return { error: "the bead needs `run: [program, arg, ...]`" };
  return parsed.data;
}

export function runPolicyFor(ctx: WriteContext, agent: AgentDefinition): RunPolicy {
  return { allow: agent.fields.allow, cwd: ctx.paths.root, timeoutMs: agent.fields.timeout, env: {} };
}

export async function runCommand(ctx: WriteContext, agent: AgentDefinition, bead: BeadWithBody, signal?: AbortSignal): Promise<WorkResult> {
  const argv = runRequestOf(bead);
  const refuse = (reason: string, shown: string): WorkResult => ({
    outcome: "failed",
    result: `Refused to run ${shown}: ${reason}. Nothing was run. Commands this agent may run are listed under \`allow:\` in agents/${agent.name}.md.`,
    reason: `run refused: ${reason}`,
  });
  if (!Array.isArray(argv)) return refuse(argv.error, "the command");
  const shown = inlineCode(argv.join(" "));
  const policy = runPolicyFor(ctx, agent);
  const check = checkRunAllowed(argv, policy);
  if (!check.allowed) return refuse(check.reason, shown);
  const started = performance.now();
  const result = await runAllowed({ command: argv }, policy, signal);
  const ms = performance.now() - started;
  const ok = result.exitCode === 0 && !result.timedOut;
  const reason = result.timedOut ? `timed out after ${Math.round(policy.timeoutMs / 1000)} s` : result.signal ? `ended by ${result.signal}` : `exit code ${String(result.exitCode)}`;
  return {
    outcome: ok ? "done" : "failed",
    result: renderRun(shown, result, reason, ms),
    ...(ok ? {} : { reason: `${argv[0] ?? ""}: ${reason}` }),
    stats: { model: "builtin:run", tokensIn: 0, tokensOut: 0, durationMs: ms },
  };
}

function renderRun(shown: string, result: RunResult, reason: string, ms: number): string {
  const lines = [`${shown} finished (${reason}) in ${(ms / 1000).toFixed(1)} s, in the board directory.`];
  for (const [name, text] of [["stdout", result.stdout], ["stderr", result.stderr]] as const) {
    if (text.trim() === "") continue;
    const fence = "`".repeat(Math.max(3, longestRun(text, "`") + 1));
    lines.push("", `**${name}**`, "", `${fence}text`, text.replace(/\n$/, ""), fence);
  }
  if (result.stdout.trim() === "" && result.stderr.trim() === "") lines.push("", "(no output)");
  return lines.join("\n");
}

function longestRun(text: string, char: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

function inlineCode(text: string): string {
  const ticks = "`".repeat(longestRun(text, "`") + 1);
  return `${ticks}${ticks.length > 1 ? " " : ""}${text.replace(/[\r\n]+/g, " ")}${ticks.length > 1 ? " " : ""}${ticks}`;
}
