import { setFields } from "../bead/edit-yaml.js";
import { beadPath } from "../board/paths.js";

/** Fields of a template that its beads must not inherit: they describe the template or a past claim. */
const NOT_INHERITED = ["schedule", "claimed_by", "claimed_at", "lease_until", "attempts", "updated", "reason", "model", "tokens", "duration_ms", "id"];

/**
 * The text of a recurring bead's instance for one slot: the template's text (body and fields
 * as the person wrote them) with the schedule removed, open, and stamped with where it came
 * from. Deterministic: two clones making the same slot write the same bytes, so their commits
 * merge without a conflict. Pure.
 */
export function instanceText(templateText: string, templateId: string, instanceId: string, slotMs: number): string {
  const slot = new Date(slotMs).toISOString();
  const changes: Record<string, unknown> = { status: "open", created: slot, recurs_from: templateId, slot };
  for (const key of NOT_INHERITED) changes[key] = undefined;
  return setFields(templateText, changes, beadPath(instanceId));
}
