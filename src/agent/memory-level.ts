/**
 * How sensitive a piece of memory is. Pure, no I/O (bead levels come in through `levelOf`).
 *
 * Memory files (memory/MEMORY.md, memory/<agent>.md) are declared `internal`: what agents
 * learn on ordinary beads. Two things raise a memory text for the sensitivity gate:
 * - a note learned on a private or secret bead: notes end with the bead id, `- fact (bb-7k3q)`,
 *   and the note is as sensitive as that bead is now;
 * - a marker a person writes anywhere in the file or on a note: `<!-- sensitivity: private -->`.
 * The gate's detectors still scan the text for secrets and personal data on top of this, and
 * the gate never sends memory at private or above to a remote provider.
 */
import { SENSITIVITIES, sensitivityRank, type Sensitivity } from "../bead/fields.js";
import type { ContextPart } from "./context.js";
import type { NoteToRemember } from "./memory-writer.js";

const NOTE_SUFFIX = /\(([A-Za-z0-9][A-Za-z0-9._-]{0,127})\)[ \t]*$/gm;
const MARKER = /<!--\s*sensitivity:\s*([a-z]+)\s*-->/gi;

export interface MemoryLevel {
  level: Sensitivity;
  /** Why, when raised above internal: the marker, or the bead a note came from. */
  why?: string;
}

const isSensitivity = (value: string): value is Sensitivity => (SENSITIVITIES as readonly string[]).includes(value);

export function memoryLevel(text: string, levelOf: (beadId: string) => Sensitivity | undefined, declared: Sensitivity = "internal"): MemoryLevel {
  let best: MemoryLevel = { level: declared };
  const raise = (level: Sensitivity, why: string): void => {
    if (sensitivityRank(level) > sensitivityRank(best.level)) best = { level, why };
  };
  for (const match of text.matchAll(MARKER)) {
    const value = (match[1] ?? "").toLowerCase();
    // An unknown level in a marker is a typo of a person who meant to protect something.
    raise(isSensitivity(value) ? value : "private", `a sensitivity marker (${value})`);
  }
  for (const match of text.matchAll(NOTE_SUFFIX)) {
    const id = match[1] ?? "";
    const level = levelOf(id);
    if (level !== undefined) raise(level, `a note from ${level} bead ${id}`);
  }
  return best;
}

/** The context parts with each memory part declared at its level (other parts unchanged). */
export function withMemoryLevels(parts: readonly ContextPart[], levelOf: (beadId: string) => Sensitivity | undefined): ContextPart[] {
  return parts.map((part) => {
    if (part.kind !== "memory") return part;
    const { level } = memoryLevel(part.text, levelOf, part.declared);
    return level === part.declared ? part : { ...part, declared: level };
  });
}

/**
 * Notes learned on a private or secret bead stay in the agent's own memory file: written to
 * the shared MEMORY.md they would make every agent's context private, and remote agents could
 * no longer work at all.
 */
export function keepPrivateNotesLocal<T extends { memory: NoteToRemember[] }>(reply: T, beadLevel: Sensitivity): T {
  if (sensitivityRank(beadLevel) < sensitivityRank("private")) return reply;
  return { ...reply, memory: reply.memory.map((note) => ({ ...note, shared: false })) };
}
