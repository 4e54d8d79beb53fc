import { claimBead, releaseBead, renewLease, type ClaimOutcome } from "../claim/claim.js";
import { claimAndPush, publish } from "../claim/remote-claim.js";
import { writeBack, type WorkResult, type WriteBackOutcome } from "../claim/write-back.js";
import type { WriteContext } from "../board/write.js";
import { isBeadboardError } from "../errors.js";
import { pushRef } from "../sync/push.js";
import type { Remote } from "../sync/remote.js";
import { repoOf } from "../sync/sync.js";

/**
 * How an agent claims and writes back. The local claimer commits to the board's branch; on a
 * synced board a claim counts only once the remote accepted it (DESIGN §5), and every write
 * is pushed right after it is committed.
 */
export interface Claimer {
  claim(id: string, agent: string, leaseMs: number): Promise<ClaimOutcome>;
  renew(id: string, agent: string, leaseMs: number): Promise<string>;
  release(id: string, agent: string, options?: { reason?: string; countAttempt?: boolean }): Promise<void>;
  writeBack(id: string, agent: string, work: WorkResult): Promise<WriteBackOutcome>;
  /** Publish local commits (push) after a write; a no-op without a remote. */
  publish(): Promise<void>;
  /** Push an acting agent's work branch (bead/<id>) to the board's remote; absent without one. Resolves to why it was not pushed, or null. */
  publishBranch?(branch: string): Promise<string | null>;
}

export function localClaimer(ctx: WriteContext, host: string): Claimer {
  return {
    claim: (id, agent, leaseMs) => claimBead(ctx, id, { agent, leaseMs, host }),
    renew: (id, agent, leaseMs) => renewLease(ctx, id, { agent, leaseMs, host }),
    release: (id, agent, options = {}) => releaseBead(ctx, id, { agent, host, ...options }),
    writeBack: (id, agent, work) => writeBack(ctx, id, agent, work, host),
    publish: async () => undefined,
  };
}

/**
 * Claims through the remote. Writes that cannot be pushed (server down) stay committed locally
 * and go out with the next sync; a lease renewal that cannot be pushed is logged, because
 * other clones will see the lease lapse.
 */
export function remoteClaimer(ctx: WriteContext, host: string, remote: Remote, log: (line: string) => void): Claimer {
  const local = localClaimer(ctx, host);
  const push = async () => {
    try {
      await publish(ctx, remote);
    } catch (error) {
      if (!isBeadboardError(error)) throw error;
      log(`push deferred to the next sync: ${error.message}`);
    }
  };
  return {
    claim: (id, agent, leaseMs) => claimAndPush(ctx, id, { agent, leaseMs, host }, remote),
    renew: async (id, agent, leaseMs) => {
      const until = await local.renew(id, agent, leaseMs);
      await push();
      return until;
    },
    release: async (id, agent, options) => {
      await local.release(id, agent, options);
      await push();
    },
    writeBack: (id, agent, work) => local.writeBack(id, agent, work),
    publish: push,
    publishBranch: (branch) => pushWorkBranch(ctx, remote, branch),
  };
}

/** BEAD_PUSH=0 keeps it local, as for every other write; a rejected or failed push is a note, not a failure. */
async function pushWorkBranch(ctx: WriteContext, remote: Remote, branch: string): Promise<string | null> {
  if (remote.env.BEAD_PUSH === "0") return "BEAD_PUSH=0";
  try {
    const pushed = await pushRef(repoOf(ctx), remote, `refs/heads/${branch}`);
    return pushed.ok ? null : pushed.reason;
  } catch (error) {
    if (!isBeadboardError(error)) throw error;
    return error.message;
  }
}
