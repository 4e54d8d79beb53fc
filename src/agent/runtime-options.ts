/**
 * What an agent runtime (./runtime.ts) is given: the board, the agent, its provider and
 * gates, the claimer, logs, and the clock it waits by (tests pass one they move by hand).
 */
import type PQueue from "p-queue";
import type { Bead } from "../bead/fields.js";
import type { LiveBoard } from "../board/live-board.js";
import type { AgentTakes } from "../policy/router.js";
import type { ServerGate } from "./server-gate.js";
import type { WorkerEnv } from "./worker-env.js";

/** What passes through to each worker unchanged (./worker-env.ts), then what the runtime itself needs. */
export interface RuntimeOptions extends Pick<WorkerEnv, "ctx" | "config" | "agent" | "provider" | "locality" | "gatePolicy" | "claimer" | "metrics" | "log" | "registry"> {
  /** The board as this process keeps it (shared by every runtime of the board): board/live-board.ts. */
  board: LiveBoard;
  everyone: AgentTakes[];
  /** One limit shared by every agent that talks to the same model server. */
  serverQueue: PQueue | undefined;
  /**
   * The model-aware gate of this agent's server (agent/server-gate.ts), shared by every agent using
   * it; replaces serverQueue. Every ready bead is handed to it, and it keeps the agent's concurrency.
   */
  serverGate?: ServerGate;
  /** Assign unrouted beads (commits) before looking for work: src/agent/route.ts. */
  route?: () => Promise<unknown>;
  /** Time for leases and back-off pauses (tests move it, and fire the wake-up, instead of waiting). */
  clock?: RuntimeClock;
  /**
   * Set on a synced board (other clones claim from the same beads): the order in which this
   * agent tries ready beads (src/agent/claim-order.ts), and `--once` goes on after a pass whose
   * claims were all lost while other clones move the board.
   */
  otherClones?: { claimOrder: (beads: Bead[]) => Bead[] };
}

export interface RuntimeClock {
  now(): number;
  /** Call `wake` once, `ms` from now; returns the cancel. */
  wakeAfter(ms: number, wake: () => void): () => void;
}

/** Real time: the wake-up timer does not keep the process alive. */
export const SYSTEM_CLOCK: RuntimeClock = {
  now: () => Date.now(),
  wakeAfter: (ms, wake) => {
    const timer = setTimeout(wake, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
