import { existsSync } from "node:fs";
import { join } from "node:path";
import { setFields } from "../bead/edit-yaml.js";
import { assertValidId } from "../bead/ids.js";
import { beadPath, type BoardPaths } from "../board/paths.js";
import { editBead, writeContext } from "../board/write.js";
import { mergeWorkBranch, uncommittedFiles, type MergeOutcome } from "../git/merge-work-branch.js";

export interface BeadMerge extends MergeOutcome {
  /** The commit noted as `merged:` on the bead, or null when it was not noted (see `warn`). */
  recorded: string | null;
}

/**
 * `bead merge <id>` and the web board's Merge button: bring bead/<id> home (git/merge-work-branch.ts:
 * nothing half done), then note `merged: <commit>` on the bead as a commit of its own. The note is
 * skipped when there is no bead file, or when a person has unsaved edits in it (noting would commit
 * their edit with ours); `warn` says so. Pushing a synced board is the caller's (it knows its I/O).
 */
export async function mergeBead(
  paths: BoardPaths,
  env: NodeJS.ProcessEnv,
  id: string,
  options: { warn: (line: string) => void; signal?: AbortSignal; expectedHead?: string },
): Promise<BeadMerge> {
  assertValidId(id);
  const { warn, signal } = options;
  const outcome = await mergeWorkBranch(paths, id, signal, options.expectedHead);
  return { ...outcome, recorded: await recordMerged(paths, env, id, outcome, warn, signal) };
}

async function recordMerged(paths: BoardPaths, env: NodeJS.ProcessEnv, id: string, outcome: MergeOutcome, warn: (line: string) => void, signal?: AbortSignal): Promise<string | null> {
  if (!existsSync(join(paths.root, beadPath(id)))) return null;
  if ((await uncommittedFiles(paths, [beadPath(id)], signal)).length > 0) {
    warn(`${beadPath(id)} has unsaved edits, so merged: was not noted on it (\`bead set ${id} merged=${outcome.commit}\` does it later)`);
    return null;
  }
  const result = await editBead(writeContext(paths, env), id, (text) => setFields(text, { merged: outcome.commit }, beadPath(id)), `merge ${id}: ${outcome.branch} merged (${outcome.commit.slice(0, 8)})`);
  return result.commit ? outcome.commit : null;
}
