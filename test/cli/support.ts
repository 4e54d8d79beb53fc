/** Shared set-up for the CLI suites: a temp board and a `bead` that runs in it. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, type CliRun } from "../helpers/cli.js";
import { makeTempBoard, type MakeTempBoardOptions, type TempBoard } from "../helpers/temp-board.js";

export interface CliBoard extends TempBoard {
  bead(args: string[], options?: { stdin?: string; columns?: number; env?: NodeJS.ProcessEnv }): Promise<CliRun>;
  head(): string;
  /** Every file outside .git with its bytes, to prove a command changed nothing. */
  snapshot(): Record<string, string>;
}

export const ACTOR = "Bead Tester <tester@example.test>";

export async function cliBoard(files: Record<string, string> = {}, options: MakeTempBoardOptions = {}): Promise<CliBoard> {
  const board = await makeTempBoard(files, options);
  return {
    ...board,
    bead: (args, opts = {}) => runCli(args, { cwd: board.dir, env: { BEAD_ACTOR: ACTOR, ...opts.env }, stdin: opts.stdin, columns: opts.columns }),
    head: () => board.git(["rev-parse", "HEAD"]).trim(),
    snapshot: () => snapshot(board.dir),
  };
}

function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (path === ".git") continue;
      if (entry.isDirectory()) walk(path);
      else out[path] = readFileSync(join(root, path)).toString("base64");
    }
  };
  walk("");
  return out;
}

/** The files the last commit touched. */
export function lastCommitFiles(board: TempBoard): string[] {
  return board.git(["show", "--name-only", "--format=", "HEAD"]).split("\n").filter(Boolean);
}
