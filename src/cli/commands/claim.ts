import { assertValidId } from "../../bead/ids.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { claimBead, releaseBead } from "../../claim/claim.js";
import { claimAndPush, publish } from "../../claim/remote-claim.js";
import { optionalRemote } from "../../git/remote.js";
import { writeContext } from "../../board/write.js";
import { parseDuration } from "../../time/duration.js";
import { json } from "../output.js";

export async function claim(io: CliIo, id: string, options: GlobalOptions & { as: string; lease: string }): Promise<void> {
  assertValidId(id);
  const leaseMs = parseDuration(options.lease, "--lease");
  const paths = boardFor(io, options);
  const ctx = writeContext(paths, io.env);
  const claimOptions = { agent: options.as, leaseMs, ...hostOption(io) };
  // On a synced board a claim counts only once the remote accepted it (DESIGN §5).
  const remote = await optionalRemote(paths, io.env);
  const outcome = remote ? await claimAndPush(ctx, id, claimOptions, remote) : await claimBead(ctx, id, claimOptions);
  if (options.json) io.out(json({ id, holder: outcome.holder, lease_until: outcome.leaseUntil, renewed: outcome.renewed, commit: outcome.commit }));
  else io.out(`${id}: ${outcome.renewed ? "renewed" : "claimed"} by ${outcome.holder} until ${outcome.leaseUntil}\n`);
}

export async function release(io: CliIo, id: string, options: GlobalOptions & { as: string }): Promise<void> {
  assertValidId(id);
  const paths = boardFor(io, options);
  const ctx = writeContext(paths, io.env);
  await releaseBead(ctx, id, { agent: options.as, ...hostOption(io) });
  const remote = await optionalRemote(paths, io.env);
  if (remote) await publish(ctx, remote);
  io.out(`${id}: released\n`);
}

/** BEAD_HOST names this machine in claims (claimed_by: name@host); defaults to the hostname. */
function hostOption(io: CliIo): { host?: string } {
  return io.env.BEAD_HOST ? { host: io.env.BEAD_HOST } : {};
}
