import { pushWrite } from "../push-write.js";
import { assertValidId } from "../../bead/ids.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { claimBead, releaseBead } from "../../claim/claim.js";
import { boardHasRemote } from "../../sync/remote-config.js";
import type { BoardPaths } from "../../board/paths.js";
import type { WriteContext } from "../../board/write.js";
import type { ClaimOptions, ClaimOutcome } from "../../claim/claim.js";
import { writeContext } from "../../board/write.js";
import { parseDuration } from "../../time/duration.js";
import { json } from "../output.js";
import { readBoardConfig } from "../../board/config.js";
import { claimantName } from "../../bead/holder-rules.js";

export async function claim(io: CliIo, id: string, options: GlobalOptions & { as?: string; lease: string }): Promise<void> {
  assertValidId(id);
  const leaseMs = parseDuration(options.lease, "--lease");
  const paths = boardFor(io, options);
  const ctx = writeContext(paths, io.env);
  const { maxLeaseMs, claimAs } = await readBoardConfig(paths.configFile);
  const claimOptions = { agent: claimantName(options.as, claimAs ?? "any", ctx.identity), leaseMs, ...hostOption(io), ...(maxLeaseMs !== undefined ? { maxLeaseMs } : {}) };
  const outcome = (await boardHasRemote(paths)) ? await claimThroughRemote(paths, ctx, id, claimOptions, io.env) : await claimBead(ctx, id, claimOptions);
  if (options.json) io.out(json({ id, holder: outcome.holder, lease_until: outcome.leaseUntil, renewed: outcome.renewed, commit: outcome.commit }));
  else io.out(`${id}: ${outcome.renewed ? "renewed" : "claimed"} by ${outcome.holder} until ${outcome.leaseUntil}\n`);
}

export async function release(io: CliIo, id: string, options: GlobalOptions & { as?: string }): Promise<void> {
  assertValidId(id);
  const paths = boardFor(io, options);
  const ctx = writeContext(paths, io.env);
  const { claimAs } = await readBoardConfig(paths.configFile);
  await releaseBead(ctx, id, { agent: claimantName(options.as, claimAs ?? "any", ctx.identity, "release"), ...hostOption(io) });
  await pushWrite(io, paths);
  io.out(`${id}: released\n`);
}

/** BEAD_HOST names this machine in claims (claimed_by: name@host); defaults to the hostname. */
function hostOption(io: CliIo): { host?: string } {
  return io.env.BEAD_HOST ? { host: io.env.BEAD_HOST } : {};
}

/** On a synced board a claim counts only once the remote accepted it (DESIGN §5). Loaded only there. */
async function claimThroughRemote(paths: BoardPaths, ctx: WriteContext, id: string, options: ClaimOptions, env: NodeJS.ProcessEnv): Promise<ClaimOutcome> {
  const [{ resolveRemote }, { claimAndPush }] = await Promise.all([import("../../sync/remote.js"), import("../../claim/remote-claim.js")]);
  return claimAndPush(ctx, id, options, await resolveRemote(paths, env));
}
