/**
 * Bounds on follow-up beads (a small model may propose one on every reply, and each follow-up
 * is worked and may propose another): per parent bead, depth of the discovered_from chain, and
 * beads created by agents on the board per hour. The rule is pure; followupLimits() reads the
 * counts it needs from the board.
 */
import type { Bead } from "../bead/fields.js";

// The limits are a board setting (.beadboard.yml `followups:`), so they are declared with the config.
import { DEFAULT_FOLLOWUP_LIMITS, type FollowupLimits } from "../board/config.js";
export { DEFAULT_FOLLOWUP_LIMITS, type FollowupLimits };

export interface FollowupCounts {
  /** Follow-ups the parent already has. */
  siblings: number;
  /** How deep the parent is: 0 for a bead a person made, 1 for a follow-up, … */
  parentDepth: number;
  /** Follow-ups made in the last hour. */
  lastHour: number;
}

/** How many of `proposed` may be created, and why the rest may not. */
export function admitFollowups(proposed: number, counts: FollowupCounts, limits: FollowupLimits): { admitted: number; reason?: string } {
  if (counts.parentDepth + 1 > limits.depth) return { admitted: 0, reason: `follow-up depth limit (${limits.depth}) reached` };
  const byBead = Math.max(0, limits.perBead - counts.siblings);
  const byHour = Math.max(0, limits.perHour - counts.lastHour);
  const admitted = Math.min(proposed, byBead, byHour);
  if (admitted === proposed) return { admitted };
  return { admitted, reason: byBead <= byHour ? `follow-up limit per bead (${limits.perBead}) reached` : `follow-ups per hour on this board (${limits.perHour}) reached` };
}

/** The counts for `parentId` from the board's beads; the discovered_from chain is followed at most depth+1 steps. */
export function countFollowups(beads: readonly Bead[], byId: ReadonlyMap<string, Bead>, parentId: string, limits: FollowupLimits, nowMs: number): FollowupCounts {
  let siblings = 0;
  let lastHour = 0;
  for (const bead of beads) {
    const from = bead.fields.discovered_from;
    if (from === undefined) continue;
    if (from === parentId) siblings++;
    if (nowMs - bead.createdMs < 3_600_000) lastHour++;
  }
  let parentDepth = 0;
  const seen = new Set<string>([parentId]);
  for (let at = byId.get(parentId)?.fields.discovered_from; at !== undefined && parentDepth <= limits.depth; parentDepth++) {
    if (seen.has(at)) break; // a hand-made cycle: count what we walked
    seen.add(at);
    at = byId.get(at)?.fields.discovered_from;
  }
  return { siblings, parentDepth, lastHour };
}
