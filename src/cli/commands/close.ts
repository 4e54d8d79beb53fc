import { pushWrite } from "../push-write.js";
import { setFields } from "../../bead/edit-yaml.js";
import { assertValidId } from "../../bead/ids.js";
import { openAcceptanceItems } from "../../bead/checklist.js";
import { InvalidArgumentError } from "../../errors.js";
import { beadPath } from "../../board/paths.js";
import { editBead, writeContext } from "../../board/write.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";

export async function close(io: CliIo, id: string, options: GlobalOptions & { reason?: string; force?: boolean }): Promise<void> {
  assertValidId(id);
  const changes: Record<string, unknown> = { status: "done", lease_until: undefined };
  if (options.reason !== undefined) changes.reason = options.reason;
  const message = `close ${id}${options.reason ? `: ${options.reason}` : ""}${options.force ? " (forced)" : ""}`;
  const edit = stamped(id, changes);
  // Checked on the text as it is under the lock, so a box ticked a moment ago counts.
  const gated = (text: string): string | null => {
    if (!options.force) refuseOpenAcceptance(id, text);
    return edit(text);
  };
  const paths = boardFor(io, options);
  const result = await editBead(writeContext(paths, io.env), id, gated, message);
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

function refuseOpenAcceptance(id: string, text: string): void {
  const open = openAcceptanceItems(text);
  if (open.length === 0) return;
  const list = open.map((item) => `${item.n}: ${item.text}`).join("; ");
  throw new InvalidArgumentError(`${beadPath(id)}: ${open.length} acceptance item(s) still open (${list}); tick them with \`bead check ${id} <n>\`, or close anyway with --force`, {
    file: beadPath(id),
    open: open.map((item) => item.n),
  });
}

/** Apply `changes`, and stamp `updated` only when they changed something: no empty commits. */
function stamped(id: string, changes: Record<string, unknown>): (text: string) => string | null {
  const updated = new Date().toISOString();
  return (text) => {
    const next = setFields(text, changes, beadPath(id));
    return next === text ? null : setFields(next, { updated }, beadPath(id));
  };
}
