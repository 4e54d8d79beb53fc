import type { Bead } from "../bead/fields.js";
import { ARCHIVABLE_STATUSES } from "./archive-paths.js";

/** Which beads `bead archive` moves, and why any named one is refused. Pure. */
export interface ArchiveSelection {
  move: Bead[];
  refused: Array<{ id: string; reason: string }>;
}

export function selectArchivable(beads: readonly Bead[], byId: ReadonlyMap<string, Bead>, request: { ids: readonly string[]; doneBeforeMs?: number }): ArchiveSelection {
  const move: Bead[] = [];
  const refused: ArchiveSelection["refused"] = [];
  for (const id of request.ids) {
    const bead = beads.find((candidate) => candidate.id === id);
    if (!bead) {
      refused.push({ id, reason: byId.has(id) ? "already archived" : "no such bead" });
      continue;
    }
    if (!ARCHIVABLE_STATUSES.includes(bead.fields.status)) refused.push({ id, reason: `status is ${bead.fields.status}; only ${ARCHIVABLE_STATUSES.join(", ")} beads are archived` });
    else move.push(bead);
  }
  if (request.doneBeforeMs !== undefined) {
    const chosen = new Set(move.map((bead) => bead.id));
    for (const bead of beads) {
      if (chosen.has(bead.id) || !ARCHIVABLE_STATUSES.includes(bead.fields.status)) continue;
      if (finishedAt(bead) < request.doneBeforeMs) move.push(bead);
    }
  }
  return { move, refused };
}

/** When a bead was last changed: `updated`, else `created`/mtime (what the board orders by). */
function finishedAt(bead: Bead): number {
  const updated = bead.fields.updated ? Date.parse(bead.fields.updated) : Number.NaN;
  return Number.isNaN(updated) ? bead.createdMs : updated;
}
