import { lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Bead } from "../bead/fields.js";
import { splitFrontMatter } from "../bead/frontmatter.js";
import { idFromFileName } from "../bead/ids.js";
import { beadFileProblems, templateWarnings } from "../bead/lint-file.js";
import { MAX_BEAD_BYTES } from "../bead/parse.js";
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
