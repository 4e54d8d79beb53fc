import type { Status } from "../bead/fields.js";

/**
 * What `bead ls --json` and `bead ready --json` were asked, as the key of their stored answers
 * (board/answer-cache.ts). One place for both the commands and the launcher (cli/launch.ts),
 * which answers from the store before the CLI is loaded: a key spelled differently in one of
 * them would only ever miss, silently.
 */
export interface LsQuery {
  status?: Status[];
  agent?: string;
  label?: string[];
  /** Only beads with `escalation: requested`. */
  escalated?: boolean;
}

/** The filter of `bead ls`: only the options given, in a fixed order. */
export function lsFilter(options: LsQuery): LsQuery {
  const filter: LsQuery = {};
  if (options.status) filter.status = options.status;
  if (options.agent !== undefined) filter.agent = options.agent;
  if (options.label) filter.label = options.label;
  if (options.escalated === true) filter.escalated = true;
  return filter;
}

export function lsAnswerKey(options: LsQuery): string {
  return JSON.stringify(["ls", lsFilter(options)]);
}

/** The query of `bead ready`: which agent asks, if one does. */
export function readyQuery(options: { agent?: string }): { agent?: string } {
  return options.agent === undefined ? {} : { agent: options.agent };
}

export function readyAnswerKey(options: { agent?: string }): string {
  return JSON.stringify(["ready", readyQuery(options)]);
}
