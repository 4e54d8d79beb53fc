import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { decodeBeadBytes } from "../../bead/parse.js";
import { archivePaths } from "../../board/archive-paths.js";
import { listBeadFiles } from "../../board/bead-files.js";
import { loadBoard } from "../../board/load.js";
import { beadPath } from "../../board/paths.js";
import { beadFromText } from "../../board/read-bead.js";
import { writeContext, writeFilesLocked } from "../../board/write.js";
import { InvalidArgumentError, ParseError } from "../../errors.js";
import { withBoardLock } from "../../git/board-lock.js";
import { fromBacklogTask } from "../../import/backlog.js";
import { fromBeadsJsonl } from "../../import/beads-jsonl.js";
import { planImport, type ImportedItem } from "../../import/item.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";

/** A bd export holds a whole project; anything larger than this is not one. */
const MAX_JSONL_BYTES = 64 * 1024 * 1024;
const MAX_TASK_FILES = 50_000;

/**
 * `bead import --from backlog <dir>` / `--from beads <issues.jsonl>`: every item becomes a bead in
 * one commit, ids mapped and reported. Each bead records `imported_from: <source>:<id>`, so a
 * second run skips what the first made.
 */
export async function importBeads(io: CliIo, from: string, options: GlobalOptions & { from?: string }): Promise<void> {
  const source = options.from;
  if (source !== "backlog" && source !== "beads") throw new InvalidArgumentError(`--from must be backlog or beads, not ${JSON.stringify(source ?? "")}`);
  const target = resolve(io.cwd, from);
  const items = source === "backlog" ? readBacklog(target) : fromBeadsJsonl(readBounded(target, MAX_JSONL_BYTES), target);
  const paths = boardFor(io, options);
  const ctx = writeContext(paths, io.env);
  const plan = await withBoardLock(paths.stateDir, async () => {
    const board = await loadBoard(paths);
    const existing = new Map<string, string>();
    for (const bead of board.beads) if (typeof bead.fields.imported_from === "string") existing.set(bead.fields.imported_from, bead.id);
    const taken = new Set([...board.beads.map((bead) => bead.id), ...listBeadFiles(paths.beadsDir).map((name) => name.slice(0, -3)), ...listBeadFiles(archivePaths(paths).beadsDir).map((name) => name.slice(0, -3))]);
    const planned = planImport(source, items, existing, taken);
    // Validate before writing: a bead the board could not read is never committed.
    for (const bead of planned.create) beadFromText(bead.text, bead.id, Date.now());
    if (planned.create.length > 0) {
      await writeFilesLocked(
        ctx,
        planned.create.map((bead) => ({ path: beadPath(bead.id), content: bead.text })),
        `import ${planned.create.length} bead(s) from ${source}`,
      );
    }
    return planned;
  });
  if (options.json) {
    io.out(json({ imported: plan.create.map(({ id, sourceId }) => ({ id, sourceId })), skipped: plan.skipped, droppedDeps: plan.droppedDeps }));
    return;
  }
  const lines = plan.create.map((bead) => `${bead.sourceId} -> ${bead.id}`);
  lines.push(`imported ${plan.create.length}, skipped ${plan.skipped.length} already imported`);
  for (const dropped of plan.droppedDeps) lines.push(`note: ${dropped.sourceId} depends on ${dropped.dep}, which is not in the import nor on the board: dep left out`);
  io.out(`${lines.join("\n")}\n`);
}

/** backlog/tasks/*.md under `dir` (the project, its backlog/ folder, or the tasks folder itself). */
function readBacklog(dir: string): ImportedItem[] {
  const tasks = [join(dir, "backlog", "tasks"), join(dir, "tasks"), dir].find((candidate) => existsSync(candidate) && lstatSync(candidate).isDirectory());
  if (tasks === undefined) throw new InvalidArgumentError(`${dir}: no Backlog.md tasks folder here (looked for backlog/tasks/ and tasks/)`);
  const names = readdirSync(tasks).filter((name) => name.endsWith(".md")).sort(byTaskNumber);
  if (names.length > MAX_TASK_FILES) throw new InvalidArgumentError(`${tasks}: ${names.length} task files is more than ${MAX_TASK_FILES}`);
  return names.flatMap((name) => {
    const file = join(tasks, name);
    if (!lstatSync(file).isFile()) return []; // a symlink or folder: not followed
    return [fromBacklogTask(readBounded(file, 1024 * 1024), file)];
  });
}

function readBounded(file: string, max: number): string {
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (stat === undefined) throw new InvalidArgumentError(`${file}: no such file`);
  if (!stat.isFile()) throw new InvalidArgumentError(`${file}: not a regular file (symlinks are not followed)`);
  if (stat.size > max) throw new ParseError(file, 1, `file is ${stat.size} bytes; at most ${max} are read`, "split it");
  const bytes = readFileSync(file);
  if (stat.size <= 1024 * 1024) return decodeBeadBytes(bytes, file);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ParseError(file, 1, "not valid UTF-8 text", "export it again as UTF-8");
  }
}

/** task-2 before task-10. */
function byTaskNumber(a: string, b: string): number {
  const n = (name: string) => Number(/(\d+)/.exec(name)?.[1] ?? Number.NaN);
  return n(a) - n(b) || (a < b ? -1 : a > b ? 1 : 0);
}
