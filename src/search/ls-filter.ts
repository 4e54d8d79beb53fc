import type { Bead } from "../bead/fields.js";
import { InvalidArgumentError } from "../errors.js";
import { parseDuration } from "../time/duration.js";

/** The filters `bead ls` gained with search (--priority, --type, --since), parsed once at the edge. */
export interface ExtraLsFilter {
  priorities?: number[];
  types?: string[];
  /** Milliseconds since epoch: beads created or updated at or after it. */
  sinceMs?: number;
}

export function parseExtraLsFilter(options: { priority?: string[]; type?: string[]; since?: string }, nowMs: number): ExtraLsFilter {
  const filter: ExtraLsFilter = {};
  if (options.priority) {
    filter.priorities = options.priority.map((value) => {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n > 4) throw new InvalidArgumentError(`--priority ${JSON.stringify(value)}: write a number from 0 (urgent) to 4 (someday)`);
      return n;
    });
  }
  if (options.type) filter.types = options.type;
  if (options.since !== undefined) filter.sinceMs = parseSince(options.since, nowMs);
  return filter;
}

/** A date (2026-01-31, or a full ISO time) or a duration back from now (7d, 12h). */
export function parseSince(value: string, nowMs: number): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new InvalidArgumentError(`--since ${JSON.stringify(value)} is not a date; write e.g. 2026-01-31 or 7d`);
    return ms;
  }
  return nowMs - parseDuration(value, "--since");
}

export function passesExtraLsFilter(bead: Bead, filter: ExtraLsFilter): boolean {
  const f = bead.fields;
  if (filter.priorities && !filter.priorities.includes(f.priority)) return false;
  if (filter.types && !filter.types.includes(f.type)) return false;
  if (filter.sinceMs !== undefined) {
    const updated = f.updated ? Date.parse(f.updated) : Number.NaN;
    const latest = Math.max(bead.createdMs, Number.isNaN(updated) ? Number.NEGATIVE_INFINITY : updated);
    if (!(latest >= filter.sinceMs)) return false;
  }
  return true;
}
