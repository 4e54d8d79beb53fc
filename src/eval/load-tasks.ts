/**
 * The tasks of an evaluation: the built-in ones shipped with the package (src/eval/tasks/, copied
 * to dist/eval-tasks/ by scripts/bundle.js) and the person's own in the board's evals/. A board's
 * files are committed content anyone can push, so they are read as every board file is
 * (lstat, regular files only, bounded); a broken one stops the run with its file, line and fix.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeBeadBytes } from "../bead/parse.js";
import { readBoardFileBytes } from "../board/safe-read.js";
import { InvalidArgumentError, ParseError } from "../errors.js";
import { parseTaskFile } from "./task-file.js";
import { CATEGORIES, type EvalTask } from "./task.js";

const MAX_TASK_FILE_BYTES = 512 * 1024;
const MAX_TASKS = 500;

/** Where the built-in tasks are: next to this module in src/, or dist/eval-tasks/ from dist/eval/ or dist/bundle/. */
export function builtinTaskDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, "tasks"), join(here, "..", "eval-tasks")]) if (existsSync(candidate)) return candidate;
  throw new Error(`bead eval: the built-in tasks are missing (looked in ${here}/tasks and ${here}/../eval-tasks); rebuild with npm run build`);
}

function taskFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith(".md") && !name.startsWith(".")).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

export function loadBuiltinTasks(dir: string = builtinTaskDir()): EvalTask[] {
  return taskFiles(dir).map((name) => parseTaskFile(readText(join(dir, name), `builtin/${name}`), `builtin/${name}`, `builtin:${name}`));
}

/** evals/*.md of the board; every file must parse. */
export function loadBoardTasks(boardRoot: string): EvalTask[] {
  const dir = join(boardRoot, "evals");
  return taskFiles(dir).map((name) => {
    const rel = `evals/${name}`;
    return parseTaskFile(readText(join(dir, name), rel), rel, rel);
  });
}

/** `bead lint`: every problem of every task file in evals/ (not just the first), as board problems. */
export function lintBoardTasks(boardRoot: string): { path: string; line: number; reason: string; fix?: string }[] {
  const names = taskFiles(join(boardRoot, "evals"));
  if (names.length === 0) return [];
  const builtinIds = new Map(loadBuiltinTasks().map((task) => [task.id, task.source]));
  const problems: { path: string; line: number; reason: string; fix?: string }[] = [];
  for (const name of names) {
    const rel = `evals/${name}`;
    try {
      const task = parseTaskFile(readText(join(boardRoot, "evals", name), rel), rel, rel);
      const builtin = builtinIds.get(task.id);
      if (builtin !== undefined) problems.push({ path: rel, line: 1, reason: `task id ${task.id} is also used by ${builtin}`, fix: "give the task another id: (or rename the file)" });
    } catch (error) {
      if (error instanceof ParseError) problems.push({ path: rel, line: error.line, reason: error.reason, ...(error.fix ? { fix: error.fix } : {}) });
      else if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return problems;
}

function readText(full: string, rel: string): string {
  return decodeBeadBytes(readBoardFileBytes(full, rel, MAX_TASK_FILE_BYTES), rel);
}

/**
 * Built-in and board tasks as one list; a board task may not reuse a built-in id (the results
 * file keys tasks by id). `only` keeps tasks whose id or category is listed.
 */
export function selectTasks(builtin: EvalTask[], board: EvalTask[], options: { builtin: boolean; only: string[] }): EvalTask[] {
  const seen = new Map<string, string>();
  for (const task of [...builtin, ...board]) {
    const first = seen.get(task.id);
    if (first !== undefined) throw new ParseError(task.source, 1, `task id ${task.id} is also used by ${first}`, "give the task another id: (or rename the file)");
    seen.set(task.id, task.source);
  }
  const all = [...(options.builtin ? builtin : []), ...board];
  const unknown = options.only.filter((name) => !all.some((task) => task.id === name) && !(CATEGORIES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new InvalidArgumentError(`--only ${unknown.join(", ")}: no such task or category (categories: ${CATEGORIES.join(", ")})`);
  const chosen = options.only.length === 0 ? all : all.filter((task) => options.only.includes(task.id) || options.only.includes(task.category));
  if (chosen.length === 0) throw new InvalidArgumentError("no tasks to run: add task files under evals/ or leave out --no-builtin");
  if (chosen.length > MAX_TASKS) throw new InvalidArgumentError(`${chosen.length} tasks; at most ${MAX_TASKS} run at once (use --only)`);
  return chosen;
}
