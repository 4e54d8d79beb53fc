import { assertValidId } from "../../bead/ids.js";
import { NotFoundError } from "../../errors.js";
import { branchDiff, type BranchDiff, type FileDiff } from "../../serve/branch-diff.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";

export interface DiffOptions extends GlobalOptions {
  stat?: boolean;
}

interface FileStat {
  path: string;
  change: FileDiff["change"];
  added: number;
  removed: number;
  binary: boolean;
}

/** `bead diff <id>`: what the bead's work branch bead/<id> changed since it left the board's branch. */
export async function diff(io: CliIo, id: string, options: DiffOptions): Promise<void> {
  assertValidId(id);
  const paths = boardFor(io, options);
  const result = await branchDiff(paths, id);
  if (!result) throw new NotFoundError("work branch", `bead/${id}`, `no branch bead/${id} in this repository; only a writing agent's bead has one`);
  const stats = result.files.map(fileStat);
  if (options.json) {
    io.out(json({ ...result, stat: stats }));
    return;
  }
  io.out(renderStat(result, stats));
  if (!options.stat) io.out(renderPatch(result));
}

/** Counts from the bounded line diff; a binary or too-large file counts nothing and says so. Pure. */
export function fileStat(file: FileDiff): FileStat {
  const lines = file.lines ?? [];
  return {
    path: file.path,
    change: file.change,
    added: lines.filter((line) => line.startsWith("+")).length,
    removed: lines.filter((line) => line.startsWith("-")).length,
    binary: file.lines === null,
  };
}

export function renderStat(result: BranchDiff, stats: FileStat[]): string {
  const from = result.base ? result.base.slice(0, 8) : "(no common commit)";
  const out = [`${result.name}: ${from}..${result.head.slice(0, 8)}`];
  const width = Math.max(0, ...stats.map((stat) => stat.path.length));
  for (const stat of stats) {
    const counts = stat.binary ? "binary or too large" : `+${stat.added} -${stat.removed}`;
    out.push(` ${stat.path.padEnd(width)} | ${counts}${stat.change === "modified" ? "" : ` (${stat.change})`}`);
  }
  const added = stats.reduce((sum, stat) => sum + stat.added, 0);
  const removed = stats.reduce((sum, stat) => sum + stat.removed, 0);
  out.push(` ${stats.length} file${stats.length === 1 ? "" : "s"} changed, ${added} insertion${added === 1 ? "" : "s"}(+), ${removed} deletion${removed === 1 ? "" : "s"}(-)`);
  if (result.truncated) out.push(" (cut: the branch changes more than is shown here)");
  return `${out.join("\n")}\n`;
}

export function renderPatch(result: BranchDiff): string {
  const out: string[] = [];
  for (const file of result.files) {
    out.push("", `--- ${file.change === "added" ? "/dev/null" : `a/${file.path}`}`, `+++ ${file.change === "deleted" ? "/dev/null" : `b/${file.path}`}`);
    if (file.lines === null) out.push("(binary or too large to show)");
    else out.push(...file.lines);
  }
  return out.length ? `${out.join("\n")}\n` : "";
}
