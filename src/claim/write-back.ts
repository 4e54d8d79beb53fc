import { hostname } from "node:os";
import { setFields, setSection } from "../bead/edit.js";
import { beadPath } from "../board/paths.js";
import { editBead, type WriteContext } from "../board/write.js";
import { holderName, isHeldBy } from "./rules.js";

export interface WorkResult {
  outcome: "done" | "failed" | "blocked";
  /** Markdown for the `## Result` section. */
  result: string;
  reason?: string;
  stats?: { model?: string; tokensIn?: number; tokensOut?: number; durationMs?: number };
  /** Extra front-matter fields written with the result (an acting agent's `branch:`). */
  fields?: Record<string, unknown>;
}

export interface WriteBackOutcome {
  /** "written": result and status landed; "late": the claim was lost, the result was kept as a late section. */
  kind: "written" | "late";
  commit: string | null;
}

/**
 * Write a finished bead back: re-read the file under the lock (a person may have edited it
 * meanwhile), verify the claim is still ours, splice in the result section, status and stats,
 * and commit. Everything outside those fields and that section stays as the person left it.
 *
 * If the claim was lost (lease lapsed and someone else took it, or a person reopened or closed
 * it), the bead is never completed twice: its status and fields are left alone and the result
 * is appended as a visible `## Late result from <agent> (<time>)` section, so no work is lost
 * and whoever holds the bead can use it.
 */
export async function writeBack(ctx: WriteContext, id: string, agent: string, work: WorkResult, host = hostname()): Promise<WriteBackOutcome> {
  const holder = holderName(agent, host);
  let kind: WriteBackOutcome["kind"] = "written";
  const result = await editBead(
    ctx,
    id,
    (text, bead) => {
      const now = new Date().toISOString();
      if (!isHeldBy(bead.fields, holder)) {
        kind = "late";
        return setSection(text, `Late result from ${agent} (${now})`, work.result, beadPath(id));
      }
      kind = "written";
      const changes: Record<string, unknown> = { status: work.outcome, lease_until: undefined, updated: now };
      if (work.reason !== undefined) changes.reason = work.reason;
      if (work.fields !== undefined) Object.assign(changes, work.fields);
      if (work.stats?.model !== undefined) changes.model = work.stats.model;
      if (work.stats?.tokensIn !== undefined || work.stats?.tokensOut !== undefined) {
        changes.tokens = { in: work.stats?.tokensIn ?? 0, out: work.stats?.tokensOut ?? 0 };
      }
      if (work.stats?.durationMs !== undefined) changes.duration_ms = Math.round(work.stats.durationMs);
      if (work.outcome === "failed") changes.attempts = bead.fields.attempts + 1;
      return setFields(setSection(text, "Result", work.result, beadPath(id)), changes, beadPath(id));
    },
    () => (kind === "late" ? `late result ${id} by ${agent} (claim lost)` : `${work.outcome} ${id}`),
  );
  return { kind, commit: result.commit?.oid ?? null };
}
