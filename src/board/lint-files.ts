import { lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Bead } from "../bead/fields.js";
import { splitFrontMatter } from "../bead/frontmatter.js";
import { idFromFileName } from "../bead/ids.js";
import { beadFileProblems, templateWarnings } from "../bead/lint-file.js";
import { frontMatterKeyLine, MAX_BEAD_BYTES } from "../bead/parse.js";
import type { BoardProblem } from "./load.js";
import type { BoardPaths } from "./paths.js";

/**
 * The I/O around bead/lint-file.ts for `bead lint`: a bead file the board could not read gets
 * every one of its problems instead of the first, and `{{x.result}}` placeholders naming a
 * non-dep are warnings. Reads are lstat-checked and bounded; a file not readable this way keeps
 * the problem the board found.
 */
export function everyProblem(board: BoardPaths, problems: readonly BoardProblem[], skip?: ReadonlySet<string>): BoardProblem[] {
  const expanded: BoardProblem[] = [];
  const done = new Set<string>();
  for (const problem of problems) {
    const name = /^beads\/([^/]+\.md)$/.exec(problem.path)?.[1];
    const id = name === undefined ? undefined : idFromFileName(name);
    if (id === undefined || skip?.has(problem.path) || problem.severity === "warning") {
      expanded.push(problem);
      continue;
    }
    if (done.has(problem.path)) continue;
    const text = readBounded(join(board.root, problem.path));
    const all = text === undefined ? [] : beadFileProblems(text, problem.path, id);
    if (all.length === 0) {
      expanded.push(problem);
      continue;
    }
    done.add(problem.path);
    expanded.push(...all.map((found) => ({ path: problem.path, ...found })));
    // Cross-file problems (unknown deps, cycles) of a file that parsed are kept as they were.
  }
  return expanded;
}

export function placeholderWarnings(board: BoardPaths, beads: readonly Bead[]): BoardProblem[] {
  const warnings: BoardProblem[] = [];
  for (const bead of beads) {
    const text = readBounded(join(board.root, bead.path));
    if (text === undefined || !text.includes("{{")) continue;
    try {
      const split = splitFrontMatter(text, bead.path);
      for (const warning of templateWarnings(split.body, bead.fields.deps, split.bodyLine)) warnings.push({ path: bead.path, ...warning, severity: "warning" });
    } catch {
      // unreadable front-matter is reported as an error elsewhere
    }
  }
  return warnings;
}

function readBounded(file: string): string | undefined {
  try {
    const stat = lstatSync(file);
    if (!stat.isFile() || stat.size > MAX_BEAD_BYTES) return undefined;
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** A recurring bead's `schedule:` that node-cron cannot read (or that uses L/# days) is an error: no bead would ever be made. */
export async function scheduleProblems(board: BoardPaths, beads: readonly Bead[]): Promise<BoardProblem[]> {
  const templates = beads.filter((bead) => bead.fields.schedule !== undefined);
  if (templates.length === 0) return [];
  const cron = await import("node-cron");
  const { scheduleFrom } = await import("../time/slots.js");
  const problems: BoardProblem[] = [];
  for (const bead of templates) {
    const pattern = bead.fields.schedule;
    const text = readBounded(join(board.root, bead.path));
    const line = text === undefined ? 1 : frontMatterKeyLine(text, "schedule", bead.path);
    const fix = 'write five cron fields in UTC, e.g. schedule: "0 9 * * 1-5"';
    if (typeof pattern !== "string") {
      problems.push({ path: bead.path, line, reason: "schedule must be a cron pattern in quotes", fix });
      continue;
    }
    const checked = cron.validateDetailed(pattern);
    if (!checked.valid) problems.push({ path: bead.path, line, reason: `schedule ${JSON.stringify(pattern)}: ${checked.errors.map((error) => error.message).join("; ")}`, fix });
    else if (scheduleFrom(cron.parse(pattern)) === undefined) problems.push({ path: bead.path, line, reason: `schedule ${JSON.stringify(pattern)} uses L or # days, which beadboard does not support`, fix });
  }
  return problems;
}
