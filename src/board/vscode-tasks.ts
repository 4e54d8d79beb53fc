/**
 * The VS Code task `bead init` writes into .vscode/tasks.json. The YAML language server never
 * looks at front-matter in a .md file, so the JSON schema alone shows a person nothing; this
 * task runs `bead lint --watch` in the background when the folder opens, and its problem
 * matcher turns each `path:line: reason` line into a squiggle and an entry in the Problems view.
 */
import { WATCH_BEGIN } from "./lint.js";

export const LINT_TASK_LABEL = "bead: lint (watch)";

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Lint only ever names files under beads/ or agents/, which keeps the marker lines from passing as problems. */
export const PROBLEM_REGEXP = "^((?:beads|agents)/.+?):(\\d+): (.+)$";
export const BEGINS_REGEXP = `^${escapeRegExp(WATCH_BEGIN)}$`;
/** Every way board/lint.ts's watchEnd() and watchFailed() end a run. */
export const ENDS_REGEXP = "^bead lint: (?:no problems|\\d+ problem\\(s\\)|failed: .*)$";

export const LINT_TASK = {
  label: LINT_TASK_LABEL,
  type: "shell",
  // npx finds bead in node_modules/.bin (a devDependency) or the global bin; --no-install keeps
  // it from fetching the unrelated npm package that happens to be called "bead".
  command: "npx",
  args: ["--no-install", "bead", "lint", "--watch"],
  isBackground: true,
  runOptions: { runOn: "folderOpen" },
  presentation: { reveal: "never", panel: "dedicated", clear: true },
  problemMatcher: {
    owner: "bead",
    source: "bead lint",
    severity: "error",
    fileLocation: ["relative", "${workspaceFolder}"],
    pattern: { regexp: PROBLEM_REGEXP, file: 1, line: 2, message: 3 },
    background: { activeBegin: true, beginsPattern: BEGINS_REGEXP, endsPattern: ENDS_REGEXP },
  },
} as const;

export const VSCODE_TASKS = `${JSON.stringify({ version: "2.0.0", tasks: [LINT_TASK] }, null, 2)}\n`;

/**
 * What to do with a tasks.json a person already has: nothing when our task is there; add ours
 * when the file is plain JSON with a "tasks" list (theirs kept, in order, in their indentation);
 * otherwise (comments, trailing commas: VS Code's own template has them) a note, since
 * rewriting JSONC would drop their comments.
 */
export function withLintTask(existing: string): { content: string } | { note: string } | undefined {
  if (existing.includes(`"${LINT_TASK_LABEL}"`)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(existing);
  } catch {
    return { note: `.vscode/tasks.json is not plain JSON (comments, say); left as it is. ${ADD_BY_HAND}` };
  }
  if (typeof parsed !== "object" || parsed === null || !Array.isArray((parsed as { tasks?: unknown }).tasks)) {
    return { note: `.vscode/tasks.json has no "tasks" list; left as it is. ${ADD_BY_HAND}` };
  }
  const file = parsed as { tasks: unknown[] };
  const indent = /^([ \t]+)"/m.exec(existing)?.[1] ?? "  ";
  let content = `${JSON.stringify({ ...file, tasks: [...file.tasks, LINT_TASK] }, null, indent)}\n`;
  if (existing.includes("\r\n")) content = content.replace(/\n/g, "\r\n");
  return { content };
}

export const ADD_BY_HAND = `For bead problems in VS Code's Problems view, add this task to its "tasks":\n${JSON.stringify(LINT_TASK, null, 2)
  .split("\n")
  .map((line) => `    ${line}`)
  .join("\n")}`;
