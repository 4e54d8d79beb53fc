import { mergeBead, type BeadMerge } from "../claim/merge-bead.js";
import type { WriteContext } from "../board/write.js";
import { RequestRefusedError } from "../errors.js";
import { stringField } from "./http.js";

/**
 * POST /api/bead/:id/merge {head}: as `bead merge <id>`, for the branch the page showed. `head` is
 * the commit the page's diff was drawn from; a branch that moved since is refused (409), as are a
 * conflict (409) and the person's unsaved edits to a file the merge changes (409), nothing changed.
 */
export async function mergeFromPage(ctx: WriteContext, env: NodeJS.ProcessEnv, id: string, body: Record<string, unknown>): Promise<BeadMerge & { changed: boolean; warnings: string[] }> {
  const head = stringField(body, "head", 100);
  if (!/^[0-9a-f]{40}$/.test(head)) throw new RequestRefusedError(400, "head must be the 40-hex commit the page showed for the branch");
  const warnings: string[] = [];
  const outcome = await mergeBead(ctx.paths, env, id, { warn: (line) => warnings.push(line), expectedHead: head });
  return { ...outcome, changed: outcome.kind !== "already-merged" || outcome.recorded !== null, warnings };
}
