import { join } from "node:path";
import type { BoardPaths } from "./paths.js";

/**
 * Archived beads live in beads/archive/ and load like a board of their own (with their own
 * caches), so that `ls` and `ready` never see them while `search --all`, `show` and dependency
 * checks still can.
 */
export function archivePaths(paths: BoardPaths): BoardPaths {
  return { ...paths, beadsDir: join(paths.beadsDir, "archive"), stateDir: join(paths.stateDir, "archive") };
}

export function archivedBeadPath(id: string): string {
  return `beads/archive/${id}.md`;
}

/** Statuses a bead may be archived in: nothing more will happen to it. */
export const ARCHIVABLE_STATUSES: readonly string[] = ["done", "cancelled", "failed"];
