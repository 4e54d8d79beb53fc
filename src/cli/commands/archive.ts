import { lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { assertValidId } from "../../bead/ids.js";
import { decodeBeadBytes } from "../../bead/parse.js";
import { archivedBeadPath } from "../../board/archive-paths.js";
import { selectArchivable } from "../../board/archive-select.js";
import { loadBoard } from "../../board/load.js";
import { beadPath } from "../../board/paths.js";
import { writeContext, writeFilesLocked } from "../../board/write.js";
import { InvalidArgumentError } from "../../errors.js";
import { withBoardLock } from "../../git/board-lock.js";
import { parseSince } from "../../search/ls-filter.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";

/**
 * `bead archive <id>… | --done-before <date>`: finished beads move to beads/archive/ in one
 * commit (a delete and an add per bead, the bytes unchanged). Decided under the board lock on the
 * board as it is then, so a bead reopened a moment ago stays.
 */
export async function archive(io: CliIo, ids: string[], options: GlobalOptions & { doneBefore?: string }): Promise<number | void> {
  for (const id of ids) assertValidId(id);
  if (ids.length === 0 && options.doneBefore === undefined) throw new InvalidArgumentError("archive: name the beads, or give --done-before <date> (e.g. 2026-01-31 or 30d)");
  const doneBeforeMs = options.doneBefore === undefined ? undefined : parseSince(options.doneBefore, Date.now());
  const paths = boardFor(io, options);
  const ctx = writeContext(paths, io.env);
  const outcome = await withBoardLock(paths.stateDir, async () => {
    const board = await loadBoard(paths);
    const selection = selectArchivable(board.beads, board.byId, { ids, ...(doneBeforeMs === undefined ? {} : { doneBeforeMs }) });
    if (selection.refused.length > 0) return { selection, commit: null };
    const changes = selection.move.flatMap((bead) => {
      const text = readBead(join(paths.root, beadPath(bead.id)), beadPath(bead.id));
      return [
        { path: beadPath(bead.id), content: null },
        { path: archivedBeadPath(bead.id), content: text },
      ];
    });
    if (changes.length === 0) return { selection, commit: null };
    const names = selection.move.map((bead) => bead.id);
    const message = `archive ${names.length} bead(s): ${names.join(" ")}`.slice(0, 200);
    return { selection, commit: await writeFilesLocked(ctx, changes, message) };
  });
  const { selection } = outcome;
  if (selection.refused.length > 0) {
    throw new InvalidArgumentError(`archive: nothing was moved: ${selection.refused.map((r) => `${r.id}: ${r.reason}`).join("; ")}`);
  }
  const moved = selection.move.map((bead) => bead.id);
  if (options.json) io.out(json({ archived: moved, commit: outcome.commit?.oid ?? null }));
  else io.out(moved.length === 0 ? "nothing to archive\n" : `archived ${moved.length} bead(s) to beads/archive/: ${moved.join(" ")}\n`);
}

function readBead(full: string, file: string): string {
  const stat = lstatSync(full);
  if (!stat.isFile()) throw new InvalidArgumentError(`${file} is not a regular file; archive moves only bead files`);
  return decodeBeadBytes(readFileSync(full), file);
}
