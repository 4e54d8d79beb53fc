import { setFields } from "../../bead/edit.js";
import { assertValidId } from "../../bead/ids.js";
import { beadPath } from "../../board/paths.js";
import { editBead, writeContext } from "../../board/write.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";

export async function close(io: CliIo, id: string, options: GlobalOptions & { reason?: string }): Promise<void> {
  assertValidId(id);
  const now = new Date().toISOString();
  const changes: Record<string, unknown> = { status: "done", updated: now, lease_until: undefined };
  if (options.reason !== undefined) changes.reason = options.reason;
  await editBead(writeContext(boardFor(io, options), io.env), id, (text) => setFields(text, changes, beadPath(id)), `close ${id}${options.reason ? `: ${options.reason}` : ""}`);
  io.out(`${id}: done\n`);
}

export async function reopen(io: CliIo, id: string, options: GlobalOptions): Promise<void> {
  assertValidId(id);
  const changes = { status: "open", claimed_by: undefined, claimed_at: undefined, lease_until: undefined, reason: undefined, updated: new Date().toISOString() };
  await editBead(writeContext(boardFor(io, options), io.env), id, (text) => setFields(text, changes, beadPath(id)), `reopen ${id}`);
  io.out(`${id}: open\n`);
}
