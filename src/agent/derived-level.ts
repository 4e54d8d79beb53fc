/**
 * Derived privacy. Pure, no I/O.
 *
 * What a model receives is as sensitive as the most sensitive thing it was built from (the
 * bead, its deps' results, memory notes), and what comes back (a result, a memory note)
 * carries that level with it: a `<!-- sensitivity: private -->` marker, written only when the
 * derived level is above what the bead itself declares. Markers are read back wherever text
 * goes into a context (deps' results, bead bodies, memory notes), so privacy follows the data
 * from bead to result to the next bead, not only the declaration on the file.
 */
import { SENSITIVITIES, sensitivityRank, type Sensitivity } from "../bead/fields.js";

const MARKER = /<!--\s*sensitivity:\s*([a-z]+)\s*-->/gi;

const isSensitivity = (value: string): value is Sensitivity => (SENSITIVITIES as readonly string[]).includes(value);

export const maxLevel = (a: Sensitivity, b: Sensitivity): Sensitivity => (sensitivityRank(a) >= sensitivityRank(b) ? a : b);

export function levelMarker(level: Sensitivity): string {
  return `<!-- sensitivity: ${level} -->`;
}

/** The highest level named by markers in `text`, at least `declared`. An unknown word counts as private (a typo of someone protecting something). */
export function markedLevel(text: string, declared: Sensitivity): Sensitivity {
  let level = declared;
  for (const match of text.matchAll(MARKER)) {
    const value = (match[1] ?? "").toLowerCase();
    level = maxLevel(level, isSensitivity(value) ? value : "private");
  }
  return level;
}

/** `text` with a marker of `derived` in front when that is above `declared` (and not already marked so). */
export function carryLevel(text: string, derived: Sensitivity, declared: Sensitivity): string {
  if (sensitivityRank(derived) <= sensitivityRank(declared)) return text;
  if (sensitivityRank(markedLevel(text, declared)) >= sensitivityRank(derived)) return text;
  return `${levelMarker(derived)}\n${text}`;
}

/** A memory note learned on a context of level `derived`, marked when above the bead's own level. */
export function carryNoteLevel(note: string, derived: Sensitivity, declared: Sensitivity): string {
  if (sensitivityRank(derived) <= sensitivityRank(declared) || sensitivityRank(markedLevel(note, declared)) >= sensitivityRank(derived)) return note;
  return `${note} ${levelMarker(derived)}`;
}

/** The most sensitive level a provider may receive in memory: remote never gets private memory. */
export function memoryCeiling(locality: "local" | "remote", policy: { remoteMax: Sensitivity; localOnly: boolean; localMax?: Sensitivity }): Sensitivity {
  if (locality === "local") return policy.localMax ?? "secret";
  return sensitivityRank(policy.remoteMax) >= sensitivityRank("private") ? "internal" : policy.remoteMax;
}
