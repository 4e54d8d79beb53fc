import { setFields } from "../../bead/edit-yaml.js";
import { assertValidId } from "../../bead/ids.js";
import { beadPath } from "../../board/paths.js";
import { editBead, writeContext } from "../../board/write.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";

/**
 * `bead approve <id>` / `bead deny <id> [reason]`: a person's decision on an escalation
 * (a remote model for this bead), as one commit each. Approved beads are handed to a remote
 * agent by the router; denied ones stay with local agents.
 */
export async function approve(io: CliIo, id: string, options: GlobalOptions): Promise<void> {
  assertValidId(id);
  await decide(io, id, options, { escalation: "approved" }, `approve ${id}: remote model allowed`, "approved");
}

export async function deny(io: CliIo, id: string, reason: string | undefined, options: GlobalOptions): Promise<void> {
  assertValidId(id);
  const changes: Record<string, unknown> = { escalation: "denied" };
  if (reason !== undefined && reason.trim() !== "") changes.reason = reason.trim();
  await decide(io, id, options, changes, `deny ${id}${reason ? `: ${reason.trim()}` : ""}`, "denied");
}

async function decide(io: CliIo, id: string, options: GlobalOptions, changes: Record<string, unknown>, message: string, word: string): Promise<void> {
  const updated = new Date().toISOString();
  const result = await editBead(
    writeContext(boardFor(io, options), io.env),
    id,
    (text) => {
      const next = setFields(text, changes, beadPath(id));
      return next === text ? null : setFields(next, { updated }, beadPath(id));
    },
    message,
  );
  io.out(result.commit ? `${id}: escalation ${word}\n` : `${id}: already ${word}\n`);
}
