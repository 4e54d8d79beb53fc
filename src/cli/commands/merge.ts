import { existsSync } from "node:fs";
import { join } from "node:path";
import { setFields } from "../../bead/edit-yaml.js";
import { assertValidId } from "../../bead/ids.js";
import { beadPath, type BoardPaths } from "../../board/paths.js";
import { editBead, writeContext } from "../../board/write.js";
import { mergeWorkBranch, uncommittedFiles, type MergeOutcome } from "../../git/merge-work-branch.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";
import { pushWrite } from "../push-write.js";

/** `bead merge <id>`: bring the bead's work branch home (fast-forward or merge commit), delete it, note `merged:` on the bead. */
export async function merge(io: CliIo, id: string, options: GlobalOptions): Promise<void> {
  assertValidId(id);
  const paths = boardFor(io, options);
  const outcome = await mergeWorkBranch(paths, id);
  const recorded = await recordMerged(io, paths, id, outcome);
  if (recorded || outcome.kind !== "already-merged") await pushWrite(io, paths);
  if (options.json) {
    io.out(json({ ...outcome, recorded }));
    return;
  }
  const short = outcome.commit.slice(0, 8);
  const files = `${outcome.files.length} file${outcome.files.length === 1 ? "" : "s"} changed`;
  const lines = [
    outcome.kind === "fast-forward"
      ? `${outcome.into} fast-forwarded to ${outcome.branch} (${short}), ${files}`
      : outcome.kind === "merge-commit"
        ? `${outcome.branch} merged into ${outcome.into} with merge commit ${short}, ${files}`
        : `${outcome.branch} was already merged into ${outcome.into}`,
    outcome.branchKept ? `${outcome.branch} kept: ${outcome.branchKept}` : `${outcome.branch} deleted`,
  ];
  io.out(`${lines.join("\n")}\n`);
}

/**
 * `merged: <commit>` on the bead, as a board commit of its own. Not noted when there is no bead
 * file, or when a person has unsaved edits in it (noting would commit their edit with ours).
 */
async function recordMerged(io: CliIo, paths: BoardPaths, id: string, outcome: MergeOutcome): Promise<string | null> {
  if (!existsSync(join(paths.root, beadPath(id)))) return null;
  if ((await uncommittedFiles(paths, [beadPath(id)])).length > 0) {
    io.err(`bead: ${beadPath(id)} has unsaved edits, so merged: was not noted on it (\`bead set ${id} merged=${outcome.commit}\` does it later)\n`);
    return null;
  }
  const result = await editBead(writeContext(paths, io.env), id, (text) => setFields(text, { merged: outcome.commit }, beadPath(id)), `merge ${id}: ${outcome.branch} merged (${outcome.commit.slice(0, 8)})`);
  return result.commit ? outcome.commit : null;
}
