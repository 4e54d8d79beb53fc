/**
 * Cloud escalation (issue 6): a local agent's final failure, or `tier: complex`, puts
 * `escalation: requested` on a bead; only a person's `escalation: approved` commit (or a board
 * policy that approves the bead's category) lets a remote agent take it. The hand-over is a
 * commit: `escalate <id> -> <agent> (approved)`. The sensitivity gate still applies to every
 * call the remote agent makes.
 */
import { join } from "node:path";
import { setFields } from "../bead/edit-yaml.js";
import { sensitivityRank, type BeadFields } from "../bead/fields.js";
import { beadPath } from "../board/paths.js";
import { parseBeadFile } from "../board/read-bead.js";
import { editBead, type WriteContext } from "../board/write.js";
import { escalationApproved, policyApproves } from "../policy/escalation.js";
import type { GatePolicy } from "../policy/gate.js";
import { routeByRules } from "../policy/router.js";
import type { MetricsLog } from "./metrics.js";
import { workerAgents, type AgentRegistry, type ResolvedAgent } from "./registry.js";

type Fields = Pick<BeadFields, "sensitivity" | "labels" | "type" | "title" | "escalation" | "status" | "agent">;

/** Remote worker agents that may see this bead at all (clearance), unless the board is local-only. */
export function remoteCandidates(fields: Pick<BeadFields, "sensitivity">, registry: AgentRegistry, localOnly: boolean): ResolvedAgent[] {
  if (localOnly) return [];
  return workerAgents(registry, false).filter(
    (entry) => entry.locality === "remote" && sensitivityRank(entry.agent.fields.clearance) >= sensitivityRank(fields.sensitivity),
  );
}

/**
 * Is asking a person worth it? Only when some remote agent could take the bead and the gate
 * could let its declared level out; otherwise a request would only stall it.
 */
export function escalationPossible(fields: Pick<BeadFields, "sensitivity">, registry: AgentRegistry, policy: GatePolicy): boolean {
  if (policy.localOnly || sensitivityRank(fields.sensitivity) > sensitivityRank(policy.remoteMax)) return false;
  return remoteCandidates(fields, registry, false).length > 0;
}

/**
 * Is this bead waiting for a person's decision on a remote model, or about to be (an open
 * `tier: complex` bead the router will ask about)? Such a bead is not routed to a local agent:
 * assigning it in the same pass that asks made the question moot (issue 14, item 16).
 */
export function awaitsPerson(fields: Pick<BeadFields, "sensitivity" | "status" | "tier" | "escalation">, registry: AgentRegistry, policy: GatePolicy): boolean {
  if (fields.escalation === "requested") return true;
  return fields.status === "open" && fields.tier === "complex" && fields.escalation === undefined && escalationPossible(fields, registry, policy);
}

/** The remote agent an approved bead goes to: by the routing rules among remote agents, else the first by name. */
export function chooseRemote(fields: Fields, registry: AgentRegistry, localOnly: boolean): ResolvedAgent | undefined {
  const remotes = remoteCandidates(fields, registry, localOnly).sort((a, b) => (a.agent.name < b.agent.name ? -1 : 1));
  const byRule = routeByRules(fields, remotes.map((entry) => entry.takes));
  return (byRule ? registry.get(byRule.agent) : undefined) ?? remotes[0];
}

/**
 * Should this bead be handed to a remote agent now? It asked for escalation (or was approved
 * outright), it is approved, it is not already with a remote agent, and nobody holds it.
 */
export function needsHandOver(fields: Fields, registry: AgentRegistry, approve: readonly string[]): boolean {
  if (fields.status !== "open" && fields.status !== "failed") return false;
  if (fields.escalation === undefined || !escalationApproved(fields, approve)) return false;
  const current = fields.agent === undefined ? undefined : registry.get(fields.agent);
  return current?.locality !== "remote";
}

export interface EscalationEnv {
  ctx: WriteContext;
  registry: AgentRegistry;
  gatePolicy: GatePolicy;
  approve: readonly string[];
  metrics: MetricsLog;
  log: (line: string) => void;
}

/** Put `escalation: requested` on a bead that has no escalation state yet. Returns whether it committed. */
export async function requestEscalation(env: Pick<EscalationEnv, "ctx" | "metrics">, id: string, why: string, by: string): Promise<boolean> {
  const result = await editBead(
    env.ctx,
    id,
    (text, bead) => (bead.fields.escalation !== undefined ? null : setFields(text, { escalation: "requested", updated: new Date().toISOString() }, beadPath(id))),
    `escalate ${id}: requested (${why})`,
  );
  if (result.commit) env.metrics.record({ event: "escalation", agent: by, bead: id, state: "requested", reason: why });
  return result.commit !== null;
}

/** After a local agent's final failure: ask for escalation when a remote agent could help. */
export async function escalateAfterFailure(
  env: Pick<EscalationEnv, "ctx" | "gatePolicy" | "metrics" | "log"> & { registry?: AgentRegistry | undefined },
  id: string,
  agent: string,
): Promise<void> {
  try {
    const fields = parseBeadFile(join(env.ctx.paths.root, beadPath(id)), id).fields;
    if (!env.registry || fields.status !== "failed" || !escalationPossible(fields, env.registry, env.gatePolicy)) return;
    if (await requestEscalation(env, id, `failed on ${agent}`, agent)) env.log(`${id}: escalation requested; commit \`escalation: approved\` on the bead to let a remote agent take it`);
  } catch (error) {
    env.log(`${id}: could not request escalation: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Hand an approved bead to a remote agent: reassign, reopen, reset its attempts. One commit. */
export async function handOver(env: EscalationEnv, id: string, fields: Fields): Promise<string | undefined> {
  const target = chooseRemote(fields, env.registry, env.gatePolicy.localOnly);
  if (!target) return undefined;
  const why = fields.escalation === "approved" ? "approved" : `policy approves ${fields.labels.find((l) => policyApproves({ labels: [l], type: fields.type }, env.approve.filter((entry) => !entry.startsWith("type:") && entry !== "*"))) ?? fields.type}`;
  const result = await editBead(
    env.ctx,
    id,
    (text, bead) => {
      if (!needsHandOver(bead.fields, env.registry, env.approve)) return null;
      const changes: Record<string, unknown> = {
        agent: target.agent.name,
        status: "open",
        attempts: 0,
        claimed_by: undefined,
        claimed_at: undefined,
        lease_until: undefined,
        reason: undefined,
        updated: new Date().toISOString(),
      };
      return setFields(text, changes, beadPath(id));
    },
    `escalate ${id} -> ${target.agent.name} (${why})`,
  );
  if (!result.commit) return undefined;
  env.metrics.record({ event: "escalation", agent: target.agent.name, bead: id, state: "handed-over", reason: why });
  env.log(`${id}: escalated to ${target.agent.name} (${why})`);
  return target.agent.name;
}
