import type { AgentDefinition } from "../../agent/schema.js";
import type { Check } from "../../agent/model-check.js";
import { serverKeyMatches } from "../../agent/server-gate.js";
import { providerFor } from "../../agent/provider-for.js";
import type { ServerProfile } from "../../board/servers-config.js";

/**
 * `bead doctor`: each `servers:` profile and the agents it governs. A key that matches no agent's
 * host is a problem: a typo there silently leaves the server without its limits.
 */
export function serverProfileChecks(servers: Record<string, ServerProfile> | undefined, agents: readonly AgentDefinition[], env: NodeJS.ProcessEnv): Check[] {
  if (servers === undefined) return [];
  const hosts = new Map<string, string[]>();
  for (const agent of agents) {
    let host: string | undefined;
    try {
      host = providerFor(agent, env)?.host;
    } catch {
      continue; // reported by the agent's own check
    }
    if (host) hosts.set(host, [...(hosts.get(host) ?? []), agent.name]);
  }
  return Object.entries(servers).map(([key, profile]) => {
    const governed = [...hosts.entries()].filter(([host]) => serverKeyMatches(key, host)).flatMap(([, names]) => names);
    const limits = `${profile.preset ?? "own"} profile: ${profile.parallel} request(s), ${profile.maxModels} model(s) at once${profile.memoryBytes === undefined ? "" : `, ${Math.round((profile.memoryBytes / 1024 ** 3) * 10) / 10} GiB`}, max wait ${Math.round(profile.maxWaitMs / 1000)} s`;
    return governed.length > 0
      ? { name: `server ${key}`, ok: true, detail: `${limits}; agents ${governed.join(", ")}` }
      : { name: `server ${key}`, ok: false, detail: `${limits}; no agent's host: matches it (agents use ${[...hosts.keys()].join(", ") || "no server"}); fix the key in .beadboard.yml` };
  });
}
