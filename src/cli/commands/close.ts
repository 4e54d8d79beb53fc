import { pushWrite } from "../push-write.js";
import { setFields } from "../../bead/edit-yaml.js";
import { assertValidId } from "../../bead/ids.js";
import { beadPath } from "../../board/paths.js";
import { editBead, writeContext } from "../../board/write.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";

export async function close(io: CliIo, id: string, options: GlobalOptions & { reason?: string }): Promise<void> {
  assertValidId(id);
  const changes: Record<string, unknown> = { status: "done", lease_until: undefined };
  if (options.reason !== undefined) changes.reason = options.reason;
  const message = `close ${id}${options.reason ? `: ${options.reason}` : ""}`;
  const paths = boardFor(io, options);
  const result = await editBead(writeContext(paths, io.env), id, stamped(id, changes), message);
  if (result.commit) await pushWrite(io, paths);
  io.out(result.commit ? `${id}: done\n` : `${id}: already done\n`);
}

export async function reopen(io: CliIo, id: string, options: GlobalOptions): Promise<void> {
  assertValidId(id);
  const changes = { status: "open", claimed_by: undefined, claimed_at: undefined, lease_until: undefined, reason: undefined };
  const paths = boardFor(io, options);
  const result = await editBead(writeContext(paths, io.env), id, stamped(id, changes), `reopen ${id}`);
  if (result.commit) await pushWrite(io, paths);
  io.out(result.commit ? `${id}: open\n` : `${id}: already open\n`);
}

/** Apply `changes`, and stamp `updated` only when they changed something: no empty commits. */
function stamped(id: string, changes: Record<string, unknown>): (text: string) => string | null {
  const updated = new Date().toISOString();
  return (text) => {
    const next = setFields(text, changes, beadPath(id));
    return next === text ? null : setFields(next, { updated }, beadPath(id));
  };
}
