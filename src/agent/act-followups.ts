/**
 * The bead factory an acting agent's new_bead tool calls (ToolContext.newBead): a follow-up of
 * the bead being worked, through the board's normal new-bead path, within the board's follow-up
 * limits (per bead, depth, per hour; src/agent/followup-limit.ts). Past a limit nothing is
 * created and the tool reads a FollowupLimitError: a `followup_limit` event and a refusal the
 * model can read.
 */
import { FollowupLimitError } from "../errors.js";
import { loadBoard } from "../board/load.js";
import type { ToolContext } from "../harness/tool.js";
import type { Sensitivity } from "../bead/fields.js";
import { carryLevel } from "./derived-level.js";
import { createFollowUp } from "./followup-bead.js";
import { admitFollowups, countFollowups } from "./followup-limit.js";
import type { WorkerEnv } from "./worker-env.js";

export type BeadFactory = NonNullable<ToolContext["newBead"]>;

/** The levels a follow-up's body carries: what the agent has seen so far, and its bead's own. */
export interface FollowupLevels {
  derived: () => Sensitivity;
  declared: Sensitivity;
}

export function followupFactory(env: WorkerEnv, parentId: string, levels: FollowupLevels, now: () => number = Date.now): BeadFactory {
  return async (input) => {
    const limits = env.config.followups;
    const board = await loadBoard(env.ctx.paths);
    const verdict = admitFollowups(1, countFollowups(board.beads, board.byId, parentId, limits, now()), limits);
    if (verdict.admitted < 1) throw new FollowupLimitError(verdict.reason ?? "follow-up limit reached", { bead: parentId });
    // The body is the model's, written after what it read: it carries that level (a marker, read back in every context).
    const body = carryLevel(input.body, levels.derived(), levels.declared);
    const id = await createFollowUp(env, parentId, { title: input.title, body, labels: input.labels ?? [], priority: input.priority ?? 2 });
    env.metrics.record({ event: "followup", agent: env.agent.name, bead: parentId, created: id, tool: "new_bead" });
    return id;
  };
}
