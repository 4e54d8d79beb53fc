import { lstatSync } from "node:fs";
import { join } from "node:path";
import { isValidId } from "../bead/ids.js";
import type { Board } from "./board-types.js";
import { archivedBeadPath } from "./archive-paths.js";
import { parseBeadFile } from "./read-bead.js";

/**
 * Archived beads still count as dependencies: a dep that is not on the board is looked up in
 * beads/archive/ and, when there, added to `byId` (never to `beads`, so it stays out of ls and
 * ready). Only missing deps are looked up, so a board without any costs one map lookup per dep.
 */
export function addArchivedDeps(board: Board): Board {
  const tried = new Set<string>();
  for (const bead of board.beads) {
    for (const dep of bead.fields.deps) {
      if (board.byId.has(dep) || tried.has(dep)) continue;
      tried.add(dep);
      const archived = readArchived(board.paths.beadsDir, dep);
      if (archived) board.byId.set(dep, archived);
    }
  }
  return board;
}

function readArchived(beadsDir: string, id: string) {
  if (!isValidId(id)) return undefined;
  const file = join(beadsDir, "archive", `${id}.md`);
  try {
    const stat = lstatSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return undefined; // absent, or a symlink: never followed out of the board
    const { body: _body, ...bead } = parseBeadFile(file, id, stat.mtimeMs);
    return { ...bead, path: archivedBeadPath(id) };
  } catch {
    return undefined;
  }
}
