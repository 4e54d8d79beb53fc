/**
 * Who may take a bead, by locality and escalation state. Pure, no I/O.
 *
 * Remote (cloud) agents cost money and take data off the machine, so they work a bead only
 * when a person approved it (`escalation: approved` committed on the bead) or the board policy
 * approves its category (`policy.approve: [research, type:chore, *]` in .beadboard.yml). The
 * sensitivity gate still decides, at every model call, whether the context may leave.
 *
 * A bead with `escalation: requested` is waiting for a person's decision: local agents leave it
 * alone (so approving it still means something), `approved` hands it to a remote agent and
 * `denied` gives it back to local agents.
 */
import type { BeadFields } from "../bead/fields.js";
import type { AgentTakes } from "./router.js";

const norm = (s: string): string => s.trim().toLowerCase();

/**
 * Does the board policy approve this bead's category? An entry matches a label (`research` or
 * `label:research`), the bead type (`type:chore`), or everything (`*`).
 */
export function policyApproves(fields: Pick<BeadFields, "labels" | "type">, approve: readonly string[]): boolean {
  const labels = new Set(fields.labels.map(norm));
  return approve.some((entry) => {
    const e = norm(entry);
    if (e === "*") return true;
    if (e.startsWith("type:")) return e.slice(5) === norm(fields.type);
    if (e.startsWith("label:")) return labels.has(e.slice(6));
    return labels.has(e);
  });
}

/** May a remote agent take this bead? A person's `denied` overrides the board policy. */
export function escalationApproved(fields: Pick<BeadFields, "labels" | "type" | "escalation">, approve: readonly string[]): boolean {
  if (fields.escalation === "denied") return false;
  return fields.escalation === "approved" || policyApproves(fields, approve);
}

/** The locality and escalation part of "may this agent take this bead" (clearance and assignment are checked elsewhere). */
export function mayTake(agent: Pick<AgentTakes, "locality">, fields: Pick<BeadFields, "labels" | "type" | "escalation">, approve: readonly string[]): boolean {
  if (agent.locality === "remote") return escalationApproved(fields, approve);
  return fields.escalation !== "requested" && fields.escalation !== "approved";
}

/** The agents a bead may be routed to among `everyone`. */
export function eligibleAgents<A extends Pick<AgentTakes, "locality">>(
  fields: Pick<BeadFields, "labels" | "type" | "escalation">,
  everyone: readonly A[],
  approve: readonly string[],
): A[] {
  return everyone.filter((agent) => mayTake(agent, fields, approve));
}
