import type { BeadFields } from "../bead/fields.js";
import { leaseBeyondMaximum } from "../bead/holder-rules.js";

/** Pure claim rules (DESIGN §5), separate from the I/O so they can be tested on plain values. */

export type Claimability =
  | { ok: true; renew: boolean; takeover: boolean }
  | { ok: false; reason: string; holder?: string; leaseUntil?: string };

export interface ClaimCheck {
  fields: BeadFields;
  holder: string;
  /** The claimer's agent name, for beads assigned to an agent. */
  agent: string;
  /** Status of each dep; undefined for a dep that does not exist (or is invalid). */
  depStatus: (id: string) => string | undefined;
  now: number;
}

export function checkClaimable({ fields, holder, agent, depStatus, now }: ClaimCheck): Claimability {
  if (fields.agent !== undefined && fields.agent !== agent) return { ok: false, reason: `it is assigned to ${fields.agent}` };
  // A bead with a schedule is a template: `bead up` makes a fresh bead from it at each slot (src/recur/).
  if (fields.schedule !== undefined) return { ok: false, reason: "it is a template for recurring beads (it has a schedule); claim the beads made from it" };
  if (fields.status === "claimed") {
    const leaseUntil = fields.lease_until;
    if (fields.claimed_by === holder) return { ok: true, renew: true, takeover: false };
    const until = leaseUntil ? Date.parse(leaseUntil) : Number.NaN;
    // A lease further ahead than any board allows (`lease_until: 2099-…`) is not honoured.
    if (!Number.isNaN(until) && until > now && !leaseBeyondMaximum(until, now)) {
      return { ok: false, reason: `held by ${fields.claimed_by ?? "someone"} until ${leaseUntil}`, ...(fields.claimed_by ? { holder: fields.claimed_by } : {}), ...(leaseUntil ? { leaseUntil } : {}) };
    }
    const deps = depsCheck(fields, depStatus);
    return deps.ok ? { ...deps, takeover: true } : deps;
  }
  if (fields.status !== "open") return { ok: false, reason: `its status is ${fields.status}` };
  return depsCheck(fields, depStatus);
}

function depsCheck(fields: BeadFields, depStatus: (id: string) => string | undefined): Claimability {
  const waiting = fields.deps.filter((dep) => depStatus(dep) !== "done");
  if (waiting.length > 0) {
    return { ok: false, reason: `waiting on ${waiting.map((dep) => `${dep} (${depStatus(dep) ?? "missing"})`).join(", ")}` };
  }
  return { ok: true, renew: false, takeover: false };
}

export function holderName(agent: string, host: string): string {
  return agent.includes("@") ? agent : `${agent}@${host}`;
}

export function isHeldBy(fields: BeadFields, holder: string): boolean {
  return fields.status === "claimed" && fields.claimed_by === holder;
}
