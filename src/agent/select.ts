import { sensitivityRank, type Bead } from "../bead/fields.js";
import { readyBeads } from "../board/queries.js";
import { eligibleAgents, mayTake } from "../policy/escalation.js";
import { explainHostLocality } from "../policy/locality.js";
import { routeByRules, type AgentTakes } from "../policy/router.js";
import type { AgentDefinition } from "./schema.js";

/** A board's pins (`.beadboard.yml` `locality: { <agent>: local|remote }`): a person's word over any rule. */
export type LocalityPins = Readonly<Record<string, "local" | "remote">>;

export function agentLocality(agent: AgentDefinition, resolvedHost: string | undefined, pins: LocalityPins = {}): "local" | "remote" {
  return explainAgentLocality(agent, resolvedHost, pins).locality;
}

/** Where an agent's model runs, and why: board pin, then the agent file, then builtin, then the host rule. */
export function explainAgentLocality(agent: AgentDefinition, resolvedHost: string | undefined, pins: LocalityPins = {}): { locality: "local" | "remote"; why: string } {
  const pinned = Object.hasOwn(pins, agent.name) ? pins[agent.name] : undefined;
  if (pinned !== undefined) return { locality: pinned, why: "pinned by .beadboard.yml (locality:)" };
  if (agent.fields.locality !== undefined) return { locality: agent.fields.locality, why: `set in ${agent.path} (locality:)` };
  if (agent.fields.provider === "builtin") return { locality: "local", why: "builtin: no model server" };
  if (agent.fields.provider === "embedded") return { locality: "local", why: "embedded: the model runs inside this process" };
  return explainHostLocality(resolvedHost);
}

export function takesOf(agent: AgentDefinition, locality: "local" | "remote"): AgentTakes {
  return { name: agent.name, takes: agent.fields.takes, locality, clearance: agent.fields.clearance };
}

/**
 * The beads this agent should try to claim now, most urgent first: ready (or with a lapsed
 * lease), within its clearance, and either assigned to it or routed to it by the rules among
 * all the board's agents. Remote agents take only beads approved for escalation (a person's
 * `escalation: approved`, or a category in `approve`, the board's policy.approve); local agents
 * leave beads waiting for that decision alone (src/policy/escalation.ts). Pure: the claim
 * itself is what settles races.
 */
export function beadsFor(
  agent: AgentTakes,
  everyone: readonly AgentTakes[],
  beads: readonly Bead[],
  byId: ReadonlyMap<string, Bead>,
  now: number,
  approve: readonly string[] = [],
): Bead[] {
  return readyBeads(beads, byId, { includeExpired: true, now }).filter((bead) => {
    if (sensitivityRank(bead.fields.sensitivity) > sensitivityRank(agent.clearance)) return false;
    if (!mayTake(agent, bead.fields, approve)) return false;
    if (bead.fields.agent !== undefined) return bead.fields.agent === agent.name;
    return routeByRules(bead.fields, eligibleAgents(bead.fields, everyone, approve))?.agent === agent.name;
  });
}
