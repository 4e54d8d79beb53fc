import { setFields } from "../bead/edit-yaml.js";
import { loadBoard, type Board } from "../board/load.js";
import { beadPath } from "../board/paths.js";
import { leaseExpired } from "../board/queries.js";
import { editBead, type WriteContext } from "../board/write.js";
import { isBeadboardError } from "../errors.js";

export interface ExpiredBead {
  id: string;
  previousHolder: string | undefined;
  attempts: number;
  status: "open" | "failed";
}

/**
 * Return beads whose lease lapsed to the board (status open, attempts + 1), one commit each,
 * so a crashed agent never strands work. Past `maxAttempts` the bead is failed instead, with
 * the reason, so a bead that kills its worker every time does not loop forever.
 */
export async function expireLeases(
  ctx: WriteContext,
  options: { maxAttempts: number; now?: () => number; board?: { current(): Promise<Board> } },
): Promise<ExpiredBead[]> {
  const now = options.now ?? Date.now;
  // Where the candidates come from (a LiveBoard in `bead up`); each is checked again under the lock.
  const board = await (options.board ? options.board.current() : loadBoard(ctx.paths));
  const expired: ExpiredBead[] = [];
  for (const candidate of board.beads) {
    if (!leaseExpired(candidate, now())) continue;
    try {
      let outcome: ExpiredBead | undefined;
      await editBead(
        ctx,
        candidate.id,
        (text, bead) => {
          // Re-check under the lock: the holder may have renewed since we listed.
          if (!leaseExpired(bead, now())) return null;
          const attempts = bead.fields.attempts + 1;
          const failed = attempts >= options.maxAttempts;
          outcome = { id: bead.id, previousHolder: bead.fields.claimed_by, attempts, status: failed ? "failed" : "open" };
          const changes: Record<string, unknown> = {
            status: outcome.status,
            attempts,
            claimed_by: undefined,
            claimed_at: undefined,
            lease_until: undefined,
            updated: new Date(now()).toISOString(),
          };
          if (failed) changes.reason = `lease lapsed ${attempts} times (last holder ${bead.fields.claimed_by ?? "unknown"}); giving up`;
          return setFields(text, changes, beadPath(bead.id));
        },
        `expire ${candidate.id} (lease of ${candidate.fields.claimed_by ?? "unknown"} lapsed)`,
      );
      if (outcome) expired.push(outcome);
    } catch (error) {
      // One unreadable bead must not stop the sweep of the others.
      if (!isBeadboardError(error)) throw error;
    }
  }
  return expired;
}
