/**
 * From task results to a verdict for one agent, and its rendering. Pure. "Ready" follows the
 * reference advice the issue quotes: a model that fails most of your tool-use tasks is not ready
 * for autonomous work; we ask for a clear majority (default 75%) and name what it failed.
 */
import { CATEGORIES, CATEGORY_TITLES, type Category } from "./task.js";

export const DEFAULT_MIN_PASS = 0.75;

export interface TaskResult {
  id: string;
  category: Category;
  source: string;
  passed: boolean;
  failures: string[];
  /** How the loop ended (finish, step_limit, loop, timeout, aborted) and finish's outcome. */
  stop: string;
  outcome?: string;
  steps: number;
  toolCalls: number;
  /** Tokens the model read and wrote over the task's calls, as its server counted them. */
  tokensIn: number;
  tokensOut: number;
  durationMs: number;
  /** A task that could not be run at all (the server failed, a setup error); it counts as failed. */
  error?: string;
}

export interface CategoryScore {
  category: Category;
  passed: number;
  total: number;
}

export interface AgentEval {
  agent: string;
  model: string;
  at: string;
  passed: number;
  total: number;
  minPass: number;
  ready: boolean;
  /** Categories with at least one failed task, worst first. */
  failedCategories: Category[];
  categories: CategoryScore[];
  tasks: TaskResult[];
  durationMs: number;
  /** Set when the run was stopped before every task ran (SIGINT/SIGTERM): never ready. */
  interrupted?: boolean;
}

export function summarise(input: { agent: string; model: string; at: string; tasks: TaskResult[]; minPass: number; durationMs: number; interrupted?: boolean }): AgentEval {
  const categories = CATEGORIES.flatMap((category): CategoryScore[] => {
    const mine = input.tasks.filter((task) => task.category === category);
    return mine.length === 0 ? [] : [{ category, passed: mine.filter((task) => task.passed).length, total: mine.length }];
  });
  const passed = input.tasks.filter((task) => task.passed).length;
  const total = input.tasks.length;
  const failedCategories = categories
    .filter((score) => score.passed < score.total)
    .sort((a, b) => a.passed / a.total - b.passed / b.total)
    .map((score) => score.category);
  const ready = input.interrupted !== true && total > 0 && passed / total >= input.minPass;
  return {
    agent: input.agent,
    model: input.model,
    at: input.at,
    passed,
    total,
    minPass: input.minPass,
    ready,
    failedCategories,
    categories,
    tasks: input.tasks,
    durationMs: input.durationMs,
    ...(input.interrupted ? { interrupted: true } : {}),
  };
}

export function renderEval(result: AgentEval): string {
  const width = Math.max(8, ...result.categories.map((score) => score.category.length));
  const tokens = result.tasks.reduce((sum, task) => sum + task.tokensIn + task.tokensOut, 0);
  const lines = [`${result.agent} (${result.model}): ${result.passed}/${result.total} tasks passed in ${(result.durationMs / 1000).toFixed(1)} s, ${tokens} tokens`];
  lines.push(`  ${"category".padEnd(width)}  passed`);
  for (const score of result.categories) {
    const mark = score.passed === score.total ? "ok    " : "FAILED";
    lines.push(`  ${score.category.padEnd(width)}  ${`${score.passed}/${score.total}`.padStart(6)}  ${mark}  ${CATEGORY_TITLES[score.category]}`);
  }
  for (const task of result.tasks.filter((t) => !t.passed)) lines.push(`  ✗ ${task.id} (${task.category}): ${printable(task.error ?? task.failures.join("; "))}`);
  lines.push(verdictLine(result));
  return `${lines.join("\n")}\n`;
}

export function verdictLine(result: AgentEval): string {
  const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;
  const share = result.total === 0 ? 0 : result.passed / result.total;
  const failed = result.failedCategories.length > 0 ? `; failed: ${result.failedCategories.join(", ")}` : "";
  if (result.interrupted) return `verdict: NOT READY (interrupted after ${result.total} task(s))${failed}`;
  if (result.ready) return `verdict: READY (${percent(share)} passed, at least ${percent(result.minPass)} needed)${failed}`;
  return `verdict: NOT READY (${percent(share)} passed, at least ${percent(result.minPass)} needed)${failed}`;
}

/** Failure lines quote what a model sent (tool names, paths): no control characters reach the terminal. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === "\n" ? " | " : "?"));
}
