import { assertValidId } from "../../bead/ids.js";
import { mergeWorkBranch } from "../../git/merge-work-branch.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";

/** `bead merge <id>`: bring the bead's work branch home (fast-forward or merge commit), then delete it. */
export async function merge(io: CliIo, id: string, options: GlobalOptions): Promise<void> {
  assertValidId(id);
  const paths = boardFor(io, options);
  const outcome = await mergeWorkBranch(paths, id);
  if (options.json) {
    io.out(json(outcome));
    return;
  }
  const how = outcome.kind === "already-merged" ? "was already merged into" : outcome.kind === "fast-forward" ? "fast-forwarded" : "merged with a merge commit into";
  const lines = [`${outcome.branch} ${how} ${outcome.into} (${outcome.commit.slice(0, 8)}), ${outcome.files.length} file${outcome.files.length === 1 ? "" : "s"} changed`];
  if (outcome.kind === "fast-forward") lines[0] = `${outcome.into} fast-forwarded to ${outcome.branch} (${outcome.commit.slice(0, 8)}), ${outcome.files.length} file${outcome.files.length === 1 ? "" : "s"} changed`;
  lines.push(outcome.branchKept ? `${outcome.branch} kept: ${outcome.branchKept}` : `${outcome.branch} deleted`);
  io.out(`${lines.join("\n")}\n`);
}
