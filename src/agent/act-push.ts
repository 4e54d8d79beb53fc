import { realpathSync } from "node:fs";
import type { Workspace } from "../workspace/workspace.js";
import type { WorkerEnv } from "./worker-env.js";

/**
 * A synced board's work branch goes to its remote before the done commit does, so whoever sees
 * the bead done can fetch the change. Only the board's own repository: a `workspace:` repository
 * has remotes of its own that are not the board's to push to. Returns a line for the result.
 */
export async function pushWorkBranch(ws: Workspace, env: WorkerEnv, branch: string): Promise<string> {
  if (!env.claimer.publishBranch || !sameRepository(ws.repoDir, env.ctx.paths.root)) return "";
  const notPushed = await env.claimer.publishBranch(branch);
  if (notPushed === null) return `\n\nPushed \`${branch}\` to the board's remote.`;
  env.log(`${ws.beadId}: ${branch} not pushed (${notPushed}); \`git push origin ${branch}\` sends it`);
  return `\n\n\`${branch}\` is not pushed yet (${notPushed}).`;
}

export function sameRepository(a: string, b: string): boolean {
  return realpathSync(a) === realpathSync(b);
}
