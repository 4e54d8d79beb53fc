import { claimBead, releaseBead, renewLease, type ClaimOutcome } from "../claim/claim.js";
import { writeBack, type WorkResult, type WriteBackOutcome } from "../claim/write-back.js";
import type { WriteContext } from "../board/write.js";

/**
 * How an agent claims and writes back. The local claimer commits to the board's branch; a
 * synced board plugs in one that only counts a claim once it is pushed (src/claim/remote-claim.ts).
 */
export interface Claimer {
  claim(id: string, agent: string, leaseMs: number): Promise<ClaimOutcome>;
  renew(id: string, agent: string, leaseMs: number): Promise<string>;
  release(id: string, agent: string, options?: { reason?: string; countAttempt?: boolean }): Promise<void>;
  writeBack(id: string, agent: string, work: WorkResult): Promise<WriteBackOutcome>;
  /** Publish local commits (push) after a write; a no-op without a remote. */
  publish(): Promise<void>;
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
