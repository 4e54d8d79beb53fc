import { existsSync } from "node:fs";
import { readBoardFileBytes } from "../board/safe-read.js";
import { hostname } from "node:os";
import { join } from "node:path";
import { setFields } from "../bead/edit-yaml.js";
import type { BeadFields, BeadWithBody } from "../bead/fields.js";
import { decodeBeadBytes } from "../bead/parse.js";
import { archivedBeadPath } from "../board/archive-paths.js";
import { beadPath } from "../board/paths.js";
import { beadFromText, parseBeadFile } from "../board/read-bead.js";
import { editBead, editBeadLocked, type WriteContext } from "../board/write.js";
import { withBoardLock } from "../git/board-lock.js";
import { headBlobId, readHeadFile } from "../git/head-file.js";
import { hashObject } from "../git/objects.js";
import { ClaimRefusedError, ConflictError, NotHolderError, ParseError } from "../errors.js";
import { checkClaimable, holderName, isHeldBy } from "./rules.js";
import { assertHolderName, assertLease } from "../bead/holder-rules.js";

export interface ClaimOptions {
  agent: string;
  leaseMs: number;
  host?: string;
  now?: () => number;
  /** The board's max_lease; default 24 h. */
  maxLeaseMs?: number;
}

export interface ClaimOutcome {
  bead: BeadWithBody;
  holder: string;
  leaseUntil: string;
  renewed: boolean;
  commit: string | null;
}

/**
 * Claim a bead under the board lock (read, check, write, commit with ref compare-and-swap).
 * Exactly one claimer wins; the others get ClaimRefusedError naming the holder. Claiming what
 * you already hold renews the lease.
 */
export async function claimBead(ctx: WriteContext, id: string, options: ClaimOptions): Promise<ClaimOutcome> {
  return withBoardLock(ctx.paths.stateDir, () => claimBeadLocked(ctx, id, options));
}

/** The same as claimBead, for callers that already hold the board lock (claims across clones, src/claim/remote-claim.ts). */
export async function claimBeadLocked(ctx: WriteContext, id: string, options: ClaimOptions): Promise<ClaimOutcome> {
  const now = options.now ?? Date.now;
  assertHolderName(options.agent);
  assertLease(options.leaseMs, options.maxLeaseMs);
  const holder = holderName(options.agent, options.host ?? hostname());
  assertHolderName(holder, "holder");
  let renewed = false;
  let leaseUntil = "";
  const head = await headState(ctx, id);
  const result = await editBeadLocked(
    ctx,
    id,
    (text, bead) => {
      const at = now();
      const verdict = checkClaimable({ fields: bead.fields, holder, agent: options.agent, depStatus: (dep) => depStatus(ctx, dep), now: at });
      if (!verdict.ok) throw new ClaimRefusedError(id, verdict.reason, verdict.holder, verdict.leaseUntil);
      // HEAD is the source of truth (DESIGN §5). A git command that failed half-way (a `git
      // merge` rolling back to the HEAD it started from) can leave an older file on disk than the
      // claim HEAD holds; never claim over a live holder that HEAD still names.
      const committed = committedFields(head, text, id);
      const atHead = committed && checkClaimable({ fields: committed, holder, agent: options.agent, depStatus: () => "done", now: at });
      if (atHead && !atHead.ok && atHead.holder) {
        throw new ClaimRefusedError(id, `${atHead.reason} (per the last commit; the file on disk is older)`, atHead.holder, atHead.leaseUntil);
      }
      renewed = verdict.renew;
      leaseUntil = new Date(at + options.leaseMs).toISOString();
      const stamp = new Date(at).toISOString();
      const changes: Record<string, unknown> = { status: "claimed", claimed_by: holder, lease_until: leaseUntil, updated: stamp };
      if (!verdict.renew) changes.claimed_at = stamp;
      // Taking over a lapsed lease means the previous attempt died: count it.
      if (verdict.takeover) changes.attempts = bead.fields.attempts + 1;
      return setFields(text, changes, beadPath(id));
    },
    `claim ${id} by ${options.agent}`,
  );
  return { bead: result.bead, holder, leaseUntil, renewed, commit: result.commit?.oid ?? null };
}

/** Give a claimed bead back to the board (status open), if `agent` holds it. */
export async function releaseBead(
  ctx: WriteContext,
  id: string,
  options: { agent: string; host?: string; reason?: string; countAttempt?: boolean },
): Promise<void> {
  const holder = holderName(options.agent, options.host ?? hostname());
  await editBead(
    ctx,
    id,
    (text, bead) => {
      if (!isHeldBy(bead.fields, holder)) throw new NotHolderError(id, holder, bead.fields.status === "claimed" ? bead.fields.claimed_by : undefined);
      const changes: Record<string, unknown> = { status: "open", claimed_by: undefined, claimed_at: undefined, lease_until: undefined, updated: new Date().toISOString() };
      // A release after a failed try counts it; a release because the model was unreachable does not.
      if (options.countAttempt) changes.attempts = bead.fields.attempts + 1;
      return setFields(text, changes, beadPath(id));
    },
    `release ${id} by ${options.agent}${options.reason ? `: ${options.reason}` : ""}`,
  );
}

/** Extend the lease of a bead we hold; throws NotHolderError if the claim was lost. */
export async function renewLease(ctx: WriteContext, id: string, options: ClaimOptions): Promise<string> {
  const now = options.now ?? Date.now;
  const holder = holderName(options.agent, options.host ?? hostname());
  const leaseUntil = new Date(now() + options.leaseMs).toISOString();
  await editBead(
    ctx,
    id,
    (text, bead) => {
      // claimed_by stays on a finished bead as a record: only a live claim names a holder.
      if (!isHeldBy(bead.fields, holder)) throw new NotHolderError(id, holder, bead.fields.status === "claimed" ? bead.fields.claimed_by : undefined);
      return setFields(text, { lease_until: leaseUntil }, beadPath(id));
    },
    `renew ${id} by ${options.agent}`,
  );
  return leaseUntil;
}

/**
 * What the branch tip (HEAD) says of the bead, for the check against it. `blobId`: the committed
 * blob (null: not committed; undefined: not known without reading git). `fields` is loaded only
 * when the file differed from HEAD when we looked, as it almost never does: a file that holds
 * exactly the committed bytes needs no second check, and reading the committed version (usually
 * packed) means loading isomorphic-git.
 */
interface HeadState {
  blobId: string | null | undefined;
  loaded: boolean;
  fields?: BeadFields;
}

async function headState(ctx: WriteContext, id: string): Promise<HeadState> {
  const blobId = headBlobId(ctx.paths.gitdir, beadPath(id));
  if (blobId === null) return { blobId, loaded: false };
  if (blobId !== undefined && fileBlobId(ctx, id) === blobId) return { blobId, loaded: false };
  const bytes = await readHeadFile(ctx.paths.root, ctx.paths.gitdir, beadPath(id), ctx.cache);
  if (!bytes) return { blobId, loaded: true };
  try {
    return { blobId, loaded: true, fields: beadFromText(decodeBeadBytes(bytes, beadPath(id)), id, Date.now()).fields };
  } catch (error) {
    if (error instanceof ParseError) return { blobId, loaded: true };
    throw error;
  }
}

/** HEAD's fields to check `text` (the file being claimed) against; undefined when there is nothing to check. */
function committedFields(head: HeadState, text: string, id: string): BeadFields | undefined {
  if (head.blobId === null) return undefined;
  if (head.blobId !== undefined && hashObject("blob", Buffer.from(text, "utf8")) === head.blobId) return undefined;
  if (!head.loaded) {
    // The file matched HEAD when we looked and no longer does: a git command is at work on it.
    throw new ConflictError(beadPath(id), "the file changed while it was being claimed; nothing was written, try again");
  }
  return head.fields;
}

function fileBlobId(ctx: WriteContext, id: string): string | undefined {
  try {
    return hashObject("blob", readBoardFileBytes(join(ctx.paths.root, beadPath(id)), beadPath(id)));
  } catch {
    return undefined; // unreadable here: editBead reports it
  }
}

function depStatus(ctx: WriteContext, id: string): string | undefined {
  let file = join(ctx.paths.root, beadPath(id));
  // An archived bead still counts as a dependency (issue 17).
  if (!existsSync(file)) file = join(ctx.paths.root, archivedBeadPath(id));
  if (!existsSync(file)) return undefined;
  try {
    return parseBeadFile(file, id).fields.status;
  } catch {
    return undefined;
  }
}
