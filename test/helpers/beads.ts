/**
 * Bead fixtures for tests: file texts and in-memory Bead objects. Test-only code, no vitest import.
 */
import type { Bead, BeadFields } from "../../src/bead/fields.js";

/** The text of a bead file from `key: value` lines (written as given) and a body. */
export function beadText(lines: string[], body = ""): string {
  return `---\n${lines.map((line) => `${line}\n`).join("")}---\n${body}`;
}

/** A valid in-memory bead for pure query tests. `createdMs` defaults to the bead's position in time. */
export function makeBead(id: string, fields: Partial<BeadFields> = {}, createdMs = 0): Bead {
  return {
    id,
    path: `beads/${id}.md`,
    createdMs,
    fields: {
      title: fields.title ?? `bead ${id}`,
      status: "open",
      priority: 2,
      type: "task",
      labels: [],
      deps: [],
      sensitivity: "internal",
      attempts: 0,
      ...fields,
    },
  };
}

export function byIdMap(beads: readonly Bead[]): Map<string, Bead> {
  return new Map(beads.map((bead) => [bead.id, bead]));
}
