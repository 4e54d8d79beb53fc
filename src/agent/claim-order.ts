import { createHash } from "node:crypto";
import type { Bead } from "../bead/fields.js";

/**
 * How many beads of one priority, oldest first, are shuffled among clones at a time. Within the
 * window each holder has its own order; the next window starts only after it, so old work still
 * goes before new work.
 */
export const SPREAD_WINDOW = 32;

/**
 * The order in which one holder tries beads on a synced board (issue 13, fair work across clones).
 *
 * Every clone reads the same board and sorts it the same way, so left alone every clone tries
 * the same bead first: one wins, the others lose the race, fetch, find the next bead already
 * taken by the winner (which went straight on to it), and so on, until a clone stops with
 * nothing won. Ordering each window of equally urgent beads by a hash of (holder, bead) gives
 * each holder a different first choice (rendezvous hashing), so clones mostly claim different
 * beads and rarely race; priority and, window by window, age still come first.
 *
 * `beads` must already be most urgent first (readyBeads' order). Pure.
 */
export function spreadClaimOrder(beads: readonly Bead[], holder: string, window = SPREAD_WINDOW): Bead[] {
  let priority: number | undefined;
  let rankInPriority = 0;
  const ranked = beads.map((bead, index) => {
    if (bead.fields.priority !== priority) {
      priority = bead.fields.priority;
      rankInPriority = 0;
    }
    const windowIndex = Math.floor(rankInPriority++ / Math.max(1, window));
    return { bead, windowIndex, key: rendezvous(holder, bead.id), index };
  });
  return ranked
    .sort(
      (a, b) =>
        a.bead.fields.priority - b.bead.fields.priority ||
        a.windowIndex - b.windowIndex ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index),
    )
    .map(({ bead }) => bead);
}

function rendezvous(holder: string, id: string): string {
  return createHash("sha1").update(holder).update("\0").update(id).digest("hex");
}
