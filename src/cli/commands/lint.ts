import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { readBoardFileBytes, readBoardFileText } from "../../board/safe-read.js";
import { join, relative } from "node:path";
import { parseAgent } from "../../agent/parse.js";
import type { Bead } from "../../bead/fields.js";
import { idFromFileName } from "../../bead/ids.js";
import { decodeBeadBytes, frontMatterKeyLine } from "../../bead/parse.js";
import { boardProblems, formatProblem } from "../../board/lint.js";
import { loadBoard, type BoardProblem } from "../../board/load.js";
import type { BoardPaths } from "../../board/paths.js";
import { beadFromText } from "../../board/read-bead.js";
import { InvalidArgumentError, ParseError } from "../../errors.js";
import { EXIT } from "../exit-codes.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";

interface LintOptions extends GlobalOptions {
  staged?: boolean;
  watch?: boolean;
}

export async function lint(io: CliIo, paths: string[], options: LintOptions): Promise<number> {
  if (options.watch && options.staged) {
    throw new InvalidArgumentError("--watch and --staged do not go together: --staged checks what the next commit would hold, --watch the files as they are saved");
  }
  const board = boardFor(io, options);
  const only: Set<string> | undefined = paths.length > 0 ? new Set(paths.map((p) => relative(board.root, join(io.cwd, p)))) : undefined;
  if (options.watch) {
    // Loaded only here: chokidar is no cost to a plain `bead lint` in a pre-commit hook.
    const { watchLint } = await import("./lint-watch.js");
    return watchLint(io, board, () => boardLint(board, only, false), { json: options.json === true });
  }
  const shown = await boardLint(board, only, options.staged === true);
  if (options.json) io.out(json(shown));
  else for (const problem of shown) io.out(`${formatProblem(problem)}\n`);
  const errors = shown.filter((problem) => problem.severity !== "warning").length;
  if (!options.json && shown.length > errors) io.err(`${shown.length - errors} warning(s)\n`);
  if (errors > 0) {
    if (!options.json) io.err(`${errors} problem(s); the board keeps working around these files, but no agent touches them\n`);
    return EXIT.failure;
  }
  return EXIT.ok;
}

/** Every problem of the board (or of the staged versions), limited to `only` when given. */
async function boardLint(board: BoardPaths, only: Set<string> | undefined, staged: boolean): Promise<BoardProblem[]> {
  const loaded = await loadBoard(board);
  let beads = loaded.beads;
  // `bead eval` task files (evals/*.md): loaded only when the board has the folder.
  const evalProblems = existsSync(join(board.root, "evals")) ? (await import("../../eval/load-tasks.js")).lintBoardTasks(board.root) : [];
  let problems: BoardProblem[] = [...loaded.problems, ...strayFiles(board), ...lintAgents(board), ...evalProblems];
  if (staged) {
    const files = stagedFiles(board);
    only = new Set(files.map((file) => file.path));
    ({ beads, problems } = overlayStaged(beads, problems, files));
  }
  problems.push(...boardProblems(beads, (bead, key) => keyLine(board, bead, key), loaded.byId));
  const filter = only;
  const { everyProblem, placeholderWarnings, scheduleProblems } = await import("../../board/lint-files.js");
  problems = everyProblem(board, problems, staged ? filter : undefined);
  const checked = filter ? beads.filter((bead) => filter.has(bead.path)) : beads;
  problems.push(...placeholderWarnings(board, checked), ...(await scheduleProblems(board, checked)));
  return filter ? problems.filter((problem) => filter.has(problem.path)) : problems;
}

/** A file in beads/ that is not `<id>.md` (an image, a binary): the board ignores it, so say so. */
function strayFiles(board: BoardPaths): BoardProblem[] {
  let entries;
  try {
    entries = readdirSync(board.beadsDir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith(".") && !entry.name.endsWith(".md"))
    .map((entry) => ({
      path: `beads/${entry.name}`,
      line: 1,
      reason: "not a bead file: beads/ holds only <id>.md files, and the board ignores this one",
      fix: "move it out of beads/ and link to it from a bead",
    }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

function lintAgents(board: BoardPaths): BoardProblem[] {
  let names: string[];
  try {
    names = readdirSync(board.agentsDir).filter((name) => name.endsWith(".md") && !name.startsWith("."));
  } catch {
    return [];
  }
  const problems: BoardProblem[] = [];
  for (const name of names) {
    const path = `agents/${name}`;
    let bytes: Buffer;
    try {
      bytes = readBoardFileBytes(join(board.agentsDir, name), path);
    } catch (error) {
      if (error instanceof ParseError) {
        problems.push({ path, line: error.line, reason: error.reason, ...(error.fix ? { fix: error.fix } : {}) });
        continue;
      }
      // Deleted between listing and reading (an editor's save, a checkout): nothing to check.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      problems.push({ path, line: 1, reason: `cannot read the file: ${(error as Error).message}` });
      continue;
    }
    const problem = agentProblem(bytes, path);
    if (problem) problems.push(problem);
  }
  return problems;
}

function agentProblem(bytes: Uint8Array, path: string): BoardProblem | undefined {
  try {
    parseAgent(decodeBeadBytes(bytes, path), path);
    return undefined;
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return { path, line: error.line, reason: error.reason, ...(error.fix ? { fix: error.fix } : {}) };
  }
}

interface StagedFile {
  path: string;
  bytes: Buffer;
}

/** The versions staged for commit. Runs in the pre-commit hook, where the git CLI is at hand by definition. */
function stagedFiles(board: BoardPaths): StagedFile[] {
  const git = (args: string[]) => execFileSync("git", args, { cwd: board.root, maxBuffer: 64 * 1024 * 1024 });
  const names = git(["diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z", "--", "beads", "agents"]).toString("utf8").split("\0").filter(Boolean);
  return names.filter((path) => /^(beads|agents)\/[^/]+\.md$/.test(path)).map((path) => ({ path, bytes: git(["show", `:${path}`]) }));
}

function overlayStaged(beads: Bead[], problems: BoardProblem[], staged: StagedFile[]): { beads: Bead[]; problems: BoardProblem[] } {
  const stagedPaths = new Set(staged.map((file) => file.path));
  const result = beads.filter((bead) => !stagedPaths.has(bead.path));
  const kept = problems.filter((problem) => !stagedPaths.has(problem.path));
  for (const file of staged) {
    if (file.path.startsWith("agents/")) {
      const problem = agentProblem(file.bytes, file.path);
      if (problem) kept.push(problem);
      continue;
    }
    const id = idFromFileName(file.path.slice("beads/".length));
    if (!id) {
      kept.push({ path: file.path, line: 1, reason: "file name is not a valid bead id" });
      continue;
    }
    try {
      const { body: _body, ...bead } = beadFromText(decodeBeadBytes(file.bytes, file.path), id, Date.now());
      result.push(bead);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      kept.push({ path: file.path, line: error.line, reason: error.reason, ...(error.fix ? { fix: error.fix } : {}) });
    }
  }
  return { beads: result, problems: kept };
}

function keyLine(board: BoardPaths, bead: Bead, key: string): number {
  try {
    return frontMatterKeyLine(readBoardFileText(join(board.root, bead.path), bead.path), key, bead.path);
  } catch {
    return 1;
  }
}
