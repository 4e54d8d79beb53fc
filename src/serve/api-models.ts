import { loadAgents } from "../agent/load.js";
import type { BoardPaths } from "../board/paths.js";
import { agentChecks, type Check } from "../agent/model-check.js";

/** More agents than this are not checked from the page (each check may wait 10 s on its server). */
const MAX_AGENTS = 50;

/** A URL's user:password@ part, which the page must never see. */
export function redactCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, "$1");
}

/**
 * GET /api/models: `bead doctor`'s agent checks (is each model server up, does it have the
 * model, does num_ctx fit), run when the person asks for them, not on every live update.
 */
export async function modelsView(paths: BoardPaths, env: NodeJS.ProcessEnv): Promise<{ checks: Check[] }> {
  const agents = loadAgents(paths).agents.slice(0, MAX_AGENTS);
  const results = await Promise.all(agents.map((agent) => agentChecks(agent, env)));
  return { checks: results.flat().map((check) => ({ ...check, detail: redactCredentials(check.detail) })) };
}
