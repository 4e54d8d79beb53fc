/**
 * Beads nobody can take (issue 14, item 17), and why, so that `up` and `doctor` can say it
 * once instead of a bead waiting silently forever. Pure.
 */
import type { Bead } from "../bead/fields.js";
import { sensitivityRank } from "../bead/fields.js";
import { readyBeads } from "../board/queries.js";
import type { AgentTakes } from "../policy/router.js";
import { beadsFor } from "./select.js";

export interface Stall {
  id: string;
  why: string;
}

export function stalledBeads(workers: readonly AgentTakes[], beads: readonly Bead[], byId: ReadonlyMap<string, Bead>, now: number, approve: readonly string[] = []): Stall[] {
  const taken = new Set<string>();
  for (const agent of workers) for (const bead of beadsFor(agent, workers, beads, byId, now, approve)) taken.add(bead.id);
  const stalls: Stall[] = [];
  for (const bead of readyBeads(beads, byId, { includeExpired: true, now })) {
    if (taken.has(bead.id)) continue;
    stalls.push({ id: bead.id, why: whyNobody(bead, workers) });
  }
  return stalls;
}

function whyNobody(bead: Bead, workers: readonly AgentTakes[]): string {
  const f = bead.fields;
  if (f.escalation === "requested") return `waits for a person's decision on a remote model: \`bead approve ${bead.id}\` or \`bead deny ${bead.id}\``;
  if (f.agent !== undefined) {
    const agent = workers.find((candidate) => candidate.name === f.agent);
    if (!agent) return `assigned to ${f.agent}, which is not an agent of this board (or not running here)`;
    if (sensitivityRank(agent.clearance) < sensitivityRank(f.sensitivity)) return `assigned to ${f.agent}, whose clearance ${agent.clearance} is below the bead's sensitivity ${f.sensitivity}`;
    if (agent.locality === "remote") return `assigned to ${f.agent}, a remote agent, without approval (\`bead approve ${bead.id}\` or policy.approve)`;
    return `assigned to ${f.agent}, which may not take it`;
  }
  const cleared = workers.filter((agent) => sensitivityRank(agent.clearance) >= sensitivityRank(f.sensitivity));
  if (cleared.length === 0) return `no agent has clearance for sensitivity ${f.sensitivity}`;
  return `no agent's takes: matches it (labels: ${f.labels.join(", ") || "none"}, type: ${f.type}${f.tier ? `, tier: ${f.tier}` : ""})`;
}
