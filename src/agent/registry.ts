import type { Provider } from "../model/provider.js";
import { providerFor } from "./provider-for.js";
import type { AgentTakes } from "../policy/router.js";
import type { AgentDefinition } from "./schema.js";
import { agentLocality, takesOf, type LocalityPins } from "./select.js";

/** An agent with its model provider and locality resolved, ready to be asked. */
export interface ResolvedAgent {
  agent: AgentDefinition;
  /** undefined for builtin agents. */
  provider: Provider | undefined;
  locality: "local" | "remote";
  takes: AgentTakes;
}

/**
 * Every valid agent of a board, resolved once per process: the router, the planner and shadow
 * mode need to reach agents other than the one at work.
 */
export interface AgentRegistry {
  agents: readonly ResolvedAgent[];
  get(name: string): ResolvedAgent | undefined;
}

export function buildRegistry(agents: readonly AgentDefinition[], env: NodeJS.ProcessEnv, pins: LocalityPins = {}): AgentRegistry {
  const resolved = agents.map((agent): ResolvedAgent => {
    const provider = providerFor(agent, env);
    const locality = agentLocality(agent, provider?.host, pins);
    return { agent, provider, locality, takes: takesOf(agent, locality) };
  });
  const byName = new Map(resolved.map((entry) => [entry.agent.name, entry]));
  return { agents: resolved, get: (name) => byName.get(name) };
}

/** Agents that do beads: routers only route. */
export function workerAgents(registry: AgentRegistry, localOnly: boolean): ResolvedAgent[] {
  return registry.agents.filter((entry) => entry.agent.fields.role !== "router" && !(localOnly && entry.locality === "remote"));
}
