import { loadAgents } from "../agent/load.js";
import { agentLocality } from "../agent/select.js";
import type { Board } from "../board/load.js";
import { leaseExpired } from "../board/queries.js";
import { readRef, currentBranchRef } from "../git/refs.js";
import { aggregate } from "../stats/aggregate.js";
import { readMetricsFile } from "../stats/read.js";

/**
 * GET /api/agents: each agent's model, locality and what it holds, and where the branch stands
 * against its remote. An agent's host URL is not sent (it may carry credentials); only whether
 * it is local.
 */
export function agentsView(board: Board, now: number): Record<string, unknown> {
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
  return { ...aggregate(lines), skippedLines: skipped };
}
