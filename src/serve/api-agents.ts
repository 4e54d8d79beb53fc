import { loadAgents } from "../agent/load.js";
import { agentLocality } from "../agent/select.js";
import type { Board } from "../board/load.js";
import { leaseExpired } from "../board/queries.js";
import { readRef, currentBranchRef } from "../git/refs.js";
import { aggregate } from "../stats/aggregate.js";
import type { MetricEvent } from "../stats/events.js";
import { readMetricsFile } from "../stats/read.js";

/** Metric events that mean something went wrong for an agent. */
const TROUBLE: ReadonlySet<MetricEvent> = new Set<MetricEvent>(["failed", "release", "retry", "guardrail"]);

/**
 * GET /api/agents: each agent's model, locality and what it holds, and where the branch stands
 * against its remote. An agent's host URL is not sent (it may carry credentials); only whether
 * it is local.
 */
export function agentsView(board: Board, now: number): Record<string, unknown> {
  const { lines } = readMetricsFile(board.paths.stateDir);
  const lastError = new Map<string, { ts: string | null; event: string; bead: string | null; reason: string }>();
  const lastSeen = new Map<string, string>();
  for (const line of lines) {
    if (typeof line.ts === "string") lastSeen.set(line.agent, line.ts);
    if (TROUBLE.has(line.event) && "reason" in line && typeof line.reason === "string") {
      lastError.set(line.agent, { ts: line.ts ?? null, event: line.event, bead: line.bead ?? null, reason: line.reason.slice(0, 500) });
    }
  }
  const loaded = loadAgents(board.paths);
  const agents = loaded.agents.map((agent) => {
    const holding = board.beads.filter((bead) => bead.fields.status === "claimed" && bead.fields.claimed_by?.split("@")[0] === agent.name);
    const queue = board.beads.filter((bead) => bead.fields.status === "open" && bead.fields.agent === agent.name).length;
    return {
      name: agent.name,
      provider: agent.fields.provider,
      model: agent.fields.model ?? agent.fields.action ?? "",
      locality: agentLocality(agent, agent.fields.host),
      role: agent.fields.role,
      concurrency: agent.fields.concurrency,
      queue,
      lastError: lastError.get(agent.name) ?? null,
      lastSeen: lastSeen.get(agent.name) ?? null,
      holding: holding.map((bead) => ({ id: bead.id, title: bead.fields.title, claimedBy: bead.fields.claimed_by, leaseUntil: bead.fields.lease_until, expired: leaseExpired(bead, now) })),
    };
  });
  const branch = currentBranchRef(board.paths.gitdir);
  const name = branch.replace(/^refs\/heads\//, "");
  const head = readRef(board.paths.gitdir, branch);
  const remote = readRef(board.paths.gitdir, `refs/remotes/origin/${name}`);
  return {
    agents,
    problems: loaded.problems.map((problem) => problem.message),
    sync: { branch: name, head, remote, inSync: remote === null ? null : remote === head },
  };
}

/** GET /api/stats: `bead stats --json`'s numbers. */
export function statsView(board: Board): Record<string, unknown> {
  const { lines, skipped } = readMetricsFile(board.paths.stateDir);
  return { ...aggregate(lines), guardrails: lines.filter((line) => line.event === "guardrail").length, skippedLines: skipped };
}
