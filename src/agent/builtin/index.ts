import type { BeadWithBody } from "../../bead/fields.js";
import { loadBoard } from "../../board/load.js";
import type { WriteContext } from "../../board/write.js";
import type { WorkResult } from "../../claim/write-back.js";
import type { AgentDefinition } from "../schema.js";
import { boardReport } from "./report.js";
import { runCommand } from "./run.js";
import { runWrite } from "./write.js";

/** Work that needs no model: zero model calls, zero tokens. */
export async function runBuiltin(ctx: WriteContext, agent: AgentDefinition, bead: BeadWithBody, signal?: AbortSignal): Promise<WorkResult> {
  switch (agent.fields.action) {
    case "report": {
      const board = await loadBoard(ctx.paths);
      return { outcome: "done", result: boardReport(board.beads, board.byId, new Date(), bead.id, bead.fields.sensitivity), stats: { model: "builtin:report", tokensIn: 0, tokensOut: 0 } };
    }
    case "write":
      return runWrite(ctx, agent, bead);
    case "run":
      return runCommand(ctx, agent, bead, signal);
    default:
      return { outcome: "failed", result: `builtin action ${agent.fields.action ?? "(none)"} is not available`, reason: "unsupported builtin action" };
  }
}
