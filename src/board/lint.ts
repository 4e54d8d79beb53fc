import type { Bead } from "../bead/fields.js";
import type { BoardProblem } from "./load.js";
import { findCycles } from "./queries.js";
import { holderNameProblem, leaseBeyondMaximum } from "../bead/holder-rules.js";

/**
 * Problems that only show across files: deps on beads that do not exist, dependency cycles,
 * and ids that differ only in case (they collide on case-insensitive file systems and in
 * people's heads). `lineOf` finds the line of a key in a bead file, for the report.
 */
export function boardProblems(beads: readonly Bead[], lineOf: (bead: Bead, key: string) => number, archived: ReadonlyMap<string, unknown> = new Map(), now: number = Date.now()): BoardProblem[] {
  const problems: BoardProblem[] = [];
  // Archived beads (in `archived`, e.g. a board's byId) are valid deps too.
  const ids = new Set([...beads.map((bead) => bead.id), ...archived.keys()]);
  for (const bead of beads) {
    for (const dep of bead.fields.deps) {
      if (!ids.has(dep)) {
        problems.push({ path: bead.path, line: lineOf(bead, "deps"), reason: `unknown dep ${dep}: no bead beads/${dep}.md`, fix: "fix the id or remove it from deps" });
      }
    }
  }
  const byId = new Map(beads.map((bead) => [bead.id, bead]));
  for (const cycle of findCycles(beads)) {
    const text = [...cycle, cycle[0]].join(" -> ");
    for (const id of cycle) {
      const bead = byId.get(id)!;
      problems.push({ path: bead.path, line: lineOf(bead, "deps"), reason: `dependency cycle: ${text}`, fix: "remove one of these deps" });
    }
  }
  for (const bead of beads) {
    for (const key of ["lease_until", "claimed_at", "created", "updated"] as const) {
      const value = bead.fields[key];
      if (value !== undefined && Number.isNaN(Date.parse(value))) {
        problems.push({ path: bead.path, line: lineOf(bead, key), reason: `${key}: ${JSON.stringify(value)} is not a timestamp`, fix: "write an ISO 8601 time such as 2025-01-31T12:00:00Z, or remove the line" });
      }
    }
    const until = bead.fields.lease_until === undefined ? Number.NaN : Date.parse(bead.fields.lease_until);
    if (!Number.isNaN(until) && leaseBeyondMaximum(until, now)) {
      problems.push({ path: bead.path, line: lineOf(bead, "lease_until"), reason: `lease_until ${bead.fields.lease_until} is more than 24 h ahead; such a lease is not honoured`, fix: "claim with a shorter --lease and renew it" });
    }
    if (bead.fields.claimed_by !== undefined && holderNameProblem(bead.fields.claimed_by)) {
      problems.push({ path: bead.path, line: lineOf(bead, "claimed_by"), reason: `claimed_by ${JSON.stringify(bead.fields.claimed_by)}: ${holderNameProblem(bead.fields.claimed_by)}`, fix: "release the bead and claim it with a valid --as" });
    }
  }
  const seen = new Map<string, Bead>();
  for (const bead of beads) {
    const key = bead.id.toLowerCase();
    const first = seen.get(key);
    if (first) problems.push({ path: bead.path, line: 1, reason: `duplicate id: ${bead.id} and ${first.id} differ only in case`, fix: "rename one of the files" });
    else seen.set(key, bead);
  }
  return problems;
}

export function formatProblem(problem: BoardProblem): string {
  return `${problem.path}:${problem.line}: ${problem.severity === "warning" ? "warning: " : ""}${problem.reason}${problem.fix ? ` (${problem.fix})` : ""}`;
}

/**
 * `bead lint --watch` frames every run with a begin and an end line, so that an editor reading
 * the output (VS Code's background problemMatcher) knows when a run's problems are complete and
 * can drop the ones that are gone. Plain ASCII and fixed wording: .vscode/tasks.json keys on them.
 */
export const WATCH_BEGIN = "bead lint: checking";

export function watchEnd(problems: number): string {
  return problems === 0 ? "bead lint: no problems" : `bead lint: ${problems} problem(s)`;
}

/** Ends a run that could not check the board at all, so an editor does not wait for it forever. */
export function watchFailed(message: string): string {
  return `bead lint: failed: ${message.replace(/\s+/g, " ").trim()}`;
}
