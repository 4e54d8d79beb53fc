import { loadAgents } from "../../agent/load.js";
import { loadBoard } from "../../board/load.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";
import { readBoardConfig } from "../../board/config.js";
import { explainAgentLocality, type LocalityPins } from "../../agent/select.js";
import type { AgentDefinition } from "../../agent/schema.js";
import { providerFor } from "../../agent/provider-for.js";

/** `bead agent ls`: each agent, its model, and what it holds right now. */
export async function agentLs(io: CliIo, options: GlobalOptions): Promise<void> {
  const paths = boardFor(io, options);
  const loaded = loadAgents(paths);
  const board = await loadBoard(paths);
  const config = await readBoardConfig(paths.configFile);
  const rows = loaded.agents.map((agent) => {
    const holding = board.beads.filter((bead) => bead.fields.status === "claimed" && bead.fields.claimed_by?.split("@")[0] === agent.name);
    return {
      name: agent.name,
      provider: agent.fields.provider,
      model: agent.fields.model ?? agent.fields.action ?? "",
      host: agent.fields.host,
      concurrency: agent.fields.concurrency,
      ...localityOf(agent, io.env, config.localityPins),
      working: holding.map((bead) => ({ id: bead.id, title: bead.fields.title, claimed_by: bead.fields.claimed_by, lease_until: bead.fields.lease_until })),
    };
  });
  if (options.json) {
    io.out(json({ agents: rows, problems: loaded.problems.map((problem) => problem.message) }));
    return;
  }
  if (rows.length === 0) io.out("no agents (add agents/<name>.md)\n");
  for (const row of rows) {
    const doing = row.working.length === 0 ? "idle" : row.working.map((bead) => `${bead.id} (${bead.claimed_by}, lease until ${bead.lease_until ?? "?"})`).join(", ");
    io.out(`${row.name}  ${row.provider}:${row.model}  ${row.locality} (${row.locality_why})  ${doing}\n`);
  }
  for (const problem of loaded.problems) io.err(`invalid agent file: ${problem.message}\n`);
}

/** Where the agent's model runs and why (the rule: docs/SECURITY.md, "Locality"). */
export function localityOf(agent: AgentDefinition, env: NodeJS.ProcessEnv, pins: LocalityPins | undefined): { locality: "local" | "remote"; locality_why: string } {
  let host: string | undefined;
  try {
    host = providerFor(agent, env)?.host;
  } catch {
    host = agent.fields.host;
  }
  const { locality, why } = explainAgentLocality(agent, host, pins);
  return { locality, locality_why: why };
}
