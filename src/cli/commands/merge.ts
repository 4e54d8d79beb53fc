import { mergeBead } from "../../claim/merge-bead.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";
import { pushWrite } from "../push-write.js";

/** `bead merge <id>`: bring the bead's work branch home (fast-forward or merge commit), delete it, note `merged:` on the bead. */
export async function merge(io: CliIo, id: string, options: GlobalOptions): Promise<void> {
  const paths = boardFor(io, options);
  const outcome = await mergeBead(paths, io.env, id, { warn: (line) => io.err(`bead: ${line}\n`) });
  if (outcome.recorded || outcome.kind !== "already-merged") await pushWrite(io, paths);
  if (options.json) {
    io.out(json(outcome));
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
