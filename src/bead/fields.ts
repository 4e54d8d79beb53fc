/**
 * The bead vocabulary, free of any library so that the read path (bead ls/ready) can use it
 * without loading zod. src/bead/schema.ts builds the zod schema from these lists.
 */
export const STATUSES = ["open", "claimed", "done", "failed", "blocked", "cancelled"] as const;
export const TYPES = ["task", "bug", "research", "chore", "epic"] as const;
export const SENSITIVITIES = ["public", "internal", "private", "secret"] as const;
export const TIERS = ["trivial", "standard", "complex"] as const;
export const ESCALATIONS = ["requested", "approved", "denied"] as const;

export type Status = (typeof STATUSES)[number];
export type BeadType = (typeof TYPES)[number];
export type Sensitivity = (typeof SENSITIVITIES)[number];
export type Tier = (typeof TIERS)[number];
export type Escalation = (typeof ESCALATIONS)[number];

/** Statuses after which an agent never touches the bead again. */
export const TERMINAL_STATUSES: readonly Status[] = ["done", "failed", "cancelled"];

/** Front-matter of a valid bead, defaults applied. Unknown keys are kept as they were. */
export interface BeadFields {
  title: string;
  status: Status;
  priority: number;
  type: BeadType;
  labels: string[];
  agent?: string;
  deps: string[];
  sensitivity: Sensitivity;
  claimed_by?: string;
  claimed_at?: string;
  lease_until?: string;
  attempts: number;
  created?: string;
  updated?: string;
  parent?: string;
  discovered_from?: string;
  tier?: Tier;
  escalation?: Escalation;
  model?: string;
  tokens?: number | { in?: number; out?: number };
  duration_ms?: number;
  [key: string]: unknown;
}

/** A bead as the board knows it. `path` is relative to the board root, with forward slashes. */
export interface Bead {
  id: string;
  path: string;
  fields: BeadFields;
  /** Milliseconds since epoch used for "age" ordering: `created` when present, else the file's mtime. */
  createdMs: number;
  /** Task-list items in the body (`- [ ]` / `- [x]`), when it has any (bead/checklist.ts). */
  checklist?: { done: number; total: number };
}

export interface BeadWithBody extends Bead {
  body: string;
}

export function sensitivityRank(value: Sensitivity): number {
  return SENSITIVITIES.indexOf(value);
}
