import type { Bead } from "../../bead/fields.js";
import { STATUSES, sensitivityRank, type Sensitivity } from "../../bead/fields.js";
import { blockedBeads, readyBeads } from "../../board/queries.js";

/**
 * The builtin `report` action: a status summary of the board, as markdown. Pure. A bead more
 * sensitive than `ceiling` (the report bead's own level) is listed by id only: its title would
 * otherwise be copied into a less sensitive bead's result.
 */
export function boardReport(beads: readonly Bead[], byId: ReadonlyMap<string, Bead>, now: Date, exclude?: string, ceiling: Sensitivity = "secret"): string {
  const title = (bead: Bead): string => (sensitivityRank(bead.fields.sensitivity) > sensitivityRank(ceiling) ? `(title withheld: ${bead.fields.sensitivity})` : bead.fields.title);
  const others = beads.filter((bead) => bead.id !== exclude);
  const counts = STATUSES.map((status) => `${status} ${others.filter((bead) => bead.fields.status === status).length}`).join(" · ");
  const lines = [`Board status at ${now.toISOString()}: ${others.length} beads (${counts}).`, ""];
  const ready = readyBeads(others, byId, { now: now.getTime() });
  lines.push(`### Ready (${ready.length})`, "");
  for (const bead of ready.slice(0, 10)) lines.push(`- P${bead.fields.priority} ${bead.id}: ${title(bead)}`);
  if (ready.length > 10) lines.push(`- … and ${ready.length - 10} more`);
  if (ready.length === 0) lines.push("- none");
  const claimed = others.filter((bead) => bead.fields.status === "claimed");
  lines.push("", `### In progress (${claimed.length})`, "");
  if (claimed.length === 0) lines.push("- none");
  for (const bead of claimed.slice(0, 10)) lines.push(`- ${bead.id}: ${title(bead)} (${bead.fields.claimed_by ?? "?"}, lease until ${bead.fields.lease_until ?? "?"})`);
  const blocked = blockedBeads(others, byId);
  lines.push("", `### Blocked (${blocked.length})`, "");
  if (blocked.length === 0) lines.push("- none");
  for (const { bead, blockers } of blocked.slice(0, 10)) {
    lines.push(`- ${bead.id}: ${title(bead)}${blockers.length ? ` (waiting on ${blockers.map((b) => b.id).join(", ")})` : ""}`);
  }
  const failed = others.filter((bead) => bead.fields.status === "failed");
  if (failed.length > 0) {
    lines.push("", `### Failed (${failed.length})`, "");
    for (const bead of failed.slice(0, 10)) lines.push(`- ${bead.id}: ${title(bead)}`);
  }
  return lines.join("\n");
}
