/**
 * Derived privacy on the acting path (see derived-level.ts): what an acting agent writes back
 * (its result, memory notes, follow-up bodies) is as sensitive as the most sensitive thing it
 * saw: the context, and every tool result the gate let through. Pure but for the gate it wraps.
 */
import type { Sensitivity } from "../bead/fields.js";
import type { ResultGate } from "../harness/loop.js";
import type { Reply } from "../harness/reply.js";
import { carryNoteLevel, maxLevel } from "./derived-level.js";
import { keepPrivateNotesLocal } from "./memory-level.js";

export interface SeenLevel {
  gate: ResultGate;
  /** The highest level of the context and of every result shown to the model so far. */
  level(): Sensitivity;
}

/** `gate`, remembering the level of each result it lets through. */
export function trackSeenLevel(gate: ResultGate, context: Sensitivity): SeenLevel {
  let seen = context;
  return {
    gate: (result) => {
      const verdict = gate(result);
      if (verdict.allowed && verdict.sensitivity !== undefined) seen = maxLevel(seen, verdict.sensitivity);
      return verdict;
    },
    level: () => seen,
  };
}

/** finish's memory notes marked with the derived level, and kept out of shared memory when private. */
export function carriedReply(reply: Reply | undefined, derived: Sensitivity, declared: Sensitivity): Reply | undefined {
  if (!reply) return undefined;
  const marked = { ...reply, memory: reply.memory.map((note) => ({ ...note, note: carryNoteLevel(note.note, derived, declared) })) };
  return keepPrivateNotesLocal(marked, derived);
}
