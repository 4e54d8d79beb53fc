/**
 * The shape of a loaded board (./load.ts builds it): its beads, and the files it could not use.
 * Types only, so that the readers load.ts loads lazily (read-bead, archive-deps) can name them
 * without importing load.ts back.
 */
import type { Bead } from "../bead/fields.js";
import type { BoardPaths } from "./paths.js";

/** A file the board cannot use, reported by `bead lint` and skipped by everything else. */
export interface BoardProblem {
  path: string;
  line: number;
  reason: string;
  fix?: string;
  /** A warning is reported but does not fail `bead lint` (issue 17); absent means an error. */
  severity?: "warning";
}

export interface Board {
  paths: BoardPaths;
  beads: Bead[];
  byId: Map<string, Bead>;
  /** Problems of single files (bad YAML, bad fields, bad names). Board-wide checks live in lint. */
  problems: BoardProblem[];
}

/** One file's outcome: its bead, or the problem that keeps it off the board. */
export type BeadFileEntry = { bead?: Bead; problem?: BoardProblem };
