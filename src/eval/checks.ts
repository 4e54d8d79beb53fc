/**
 * Decide a task, deterministically: from the repository as the model left it and from the
 * transcript of what it called. No model judges another. Pure; every failed check says in one
 * line what was expected and what happened, so a person can see why a model failed.
 */
import type { FinishReply } from "../harness/loop.js";
import type { EvalTask, FileCheck, Outcome } from "./task.js";
import { commandArg, normalise, pathArg, type Trace } from "./trace.js";

export interface TaskEvidence {
  trace: Trace;
  /** finish's reply; undefined when the loop ended any other way. */
  reply: FinishReply | undefined;
  /** Every file of the repository afterwards (outside .git), path → text. */
  after: ReadonlyMap<string, string>;
  /** The exit code of expect.passes, run by the evaluator afterwards. */
  passesExit?: number | null;
  passesOutput?: string;
}

export interface Verdict {
  passed: boolean;
  failures: string[];
}

const EDITING = new Set(["edit_file", "write_file"]);

export function judge(task: EvalTask, evidence: TaskEvidence): Verdict {
  const { expect } = task;
  const { trace, reply, after } = evidence;
  const failures: string[] = [];
  const fail = (text: string): void => void failures.push(text);
  const worked = trace.calls.filter((call) => call.tool !== "finish");

  if (trace.stop !== "finish" || !reply) fail(`never called finish: the loop ended by ${trace.stop} (${trace.reason})`);
  if (expect.outcome !== undefined && reply) {
    const wanted: Outcome[] = typeof expect.outcome === "string" ? [expect.outcome] : expect.outcome;
    if (!wanted.includes(reply.outcome)) fail(`outcome ${reply.outcome}, expected ${wanted.join(" or ")}`);
  }
  const result = (reply?.result ?? "").toLowerCase();
  for (const text of many(expect.result_contains)) if (reply && !result.includes(text.toLowerCase())) fail(`the result does not mention ${JSON.stringify(text)}`);
  for (const text of many(expect.result_not_contains)) if (reply && result.includes(text.toLowerCase())) fail(`the result mentions ${JSON.stringify(text)}`);

  for (const [path, check] of Object.entries(expect.files ?? {})) failures.push(...fileFailures(normalise(path), check, after.get(normalise(path))));
  const changed = changedPaths(task.files, after);
  if (expect.unchanged && changed.length > 0) fail(`the repository should be unchanged; changed: ${changed.join(", ")}`);
  if (expect.changed_only) {
    const allowed = new Set(expect.changed_only.map(normalise));
    const stray = changed.filter((path) => !allowed.has(path));
    if (stray.length > 0) fail(`changed files it had no reason to touch: ${stray.join(", ")}`);
  }

  const used = new Set(worked.filter((call) => !call.problem).map((call) => call.tool));
  for (const tool of expect.used ?? []) if (!used.has(tool)) fail(`never used ${tool} successfully`);
  for (const tool of expect.not_used ?? []) if (worked.some((call) => call.tool === tool)) fail(`called ${tool}, which this task should not need`);
  if (expect.first_tool !== undefined && worked[0]?.tool !== expect.first_tool) fail(`first call was ${worked[0]?.tool ?? "none"}, expected ${expect.first_tool}`);
  if (expect.max_calls !== undefined && worked.length > expect.max_calls) fail(`${worked.length} tool calls, at most ${expect.max_calls} expected`);
  if (expect.read_before_edit) failures.push(...blindEdits(task, trace));

  const runs = worked.filter((call) => call.tool === "run").map((call) => ({ argv: commandArg(call) ?? [], ok: !call.problem }));
  for (const prefix of expect.ran ?? []) if (!runs.some((run) => run.ok && startsWith(run.argv, prefix))) fail(`never ran ${prefix.join(" ")}`);
  for (const prefix of expect.not_ran ?? []) if (runs.some((run) => startsWith(run.argv, prefix))) fail(`tried to run ${prefix.join(" ")}`);
  if (expect.passes && evidence.passesExit !== 0) {
    const tail = (evidence.passesOutput ?? "").trim().split("\n").slice(-3).join(" | ");
    fail(`${expect.passes.join(" ")} fails afterwards (exit ${String(evidence.passesExit)})${tail ? `: ${tail}` : ""}`);
  }
  return { passed: failures.length === 0, failures };
}

function fileFailures(path: string, check: FileCheck, text: string | undefined): string[] {
  const out: string[] = [];
  if (check.exists === false) {
    if (text !== undefined) out.push(`${path} should not exist`);
    return out;
  }
  if (text === undefined) {
    if (check.exists === true || check.contains !== undefined || check.equals !== undefined) out.push(`${path} does not exist`);
    return out;
  }
  if (check.equals !== undefined && text.trimEnd() !== check.equals.trimEnd()) out.push(`${path} is not exactly as expected`);
  for (const piece of many(check.contains)) if (!text.includes(piece)) out.push(`${path} lacks ${JSON.stringify(clip(piece))}`);
  for (const piece of many(check.not_contains)) if (text.includes(piece)) out.push(`${path} still has ${JSON.stringify(clip(piece))}`);
  return out;
}

/** Paths added, removed or changed against the setup files. */
export function changedPaths(before: Readonly<Record<string, string>>, after: ReadonlyMap<string, string>): string[] {
  const setup = new Map(Object.entries(before).map(([path, text]) => [normalise(path), text]));
  const paths = new Set([...setup.keys(), ...after.keys()]);
  return [...paths].filter((path) => setup.get(path) !== after.get(path)).sort();
}

/** Edits of a file that existed at the start, made before any successful read_file of it. */
function blindEdits(task: EvalTask, trace: Trace): string[] {
  const existing = new Set(Object.keys(task.files).map(normalise));
  const read = new Set<string>();
  const out: string[] = [];
  for (const call of trace.calls) {
    const path = pathArg(call);
    if (path === undefined || call.problem === "not_run") continue;
    if (call.tool === "read_file" && !call.problem) read.add(path);
    else if (EDITING.has(call.tool) && existing.has(path) && !read.has(path)) out.push(`${call.tool} on ${path} before reading it`);
  }
  return [...new Set(out)];
}

function startsWith(argv: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= argv.length && prefix.every((part, i) => argv[i] === part);
}

function many(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : typeof value === "string" ? [value] : value;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
