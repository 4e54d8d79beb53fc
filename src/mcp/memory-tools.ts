/** memory_read and memory_append: MEMORY.md and memory/<agent>.md, through the agents' own memory writer. */
import { lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Sensitivity } from "../bead/fields.js";
import { agentMemoryPath, rememberNotes } from "../agent/memory-writer.js";
import { keepPrivateNotesLocal, memoryLevel } from "../agent/memory-level.js";
import { loadBoard } from "../board/load.js";
import { writeContext } from "../board/write.js";
import { InvalidArgumentError, NotFoundError, SensitivityRefusedError } from "../errors.js";
import { validClaimerName } from "./claim-tools.js";
import { assertMayTouch, beadLevel, guarded, readVisibleBead, visible, type McpContext } from "./context.js";
import { toolConfig } from "./schemas.js";

const SHARED = "memory/MEMORY.md";
/** Memory files are compacted at 64 KB by default; anything far beyond that is not memory. */
const MAX_MEMORY_BYTES = 1024 * 1024;

export function registerMemoryTools(server: McpServer, ctx: McpContext): void {
  server.registerTool("memory_read", toolConfig("memory_read"), async ({ agent }) =>
    guarded(async () => {
      if (agent !== undefined && !validClaimerName(agent)) throw new InvalidArgumentError(`${JSON.stringify(agent)} is not an agent name (letters, digits, '.', '_' and '-')`);
      const path = agent ? agentMemoryPath(agent) : SHARED;
      return { path, text: await readVisibleMemory(ctx, path) };
    }),
  );

  server.registerTool("memory_append", toolConfig("memory_append"), async ({ notes, shared, bead }) =>
    guarded(async () => {
      let level: Sensitivity = "internal";
      if (bead !== undefined) {
        assertMayTouch(ctx, bead);
        level = beadLevel(readVisibleBead({ ...ctx, visibleMax: undefined }, bead));
      }
      // Notes learned on a private bead never go to the shared file (as the agents do it).
      const reply = keepPrivateNotesLocal({ memory: notes.map((note) => ({ note, shared: shared === true })) }, level);
      const agent = ctx.claimer();
      const added = await rememberNotes(writeContext(ctx.paths, ctx.env), agent, bead ?? "", reply.memory, new Date().toISOString().slice(0, 10));
      return { path: agentMemoryPath(agent), added };
    }),
  );
}

/** A memory file's text; for a remote client only when the file is within its level (notes of private beads, markers). */
export async function readVisibleMemory(ctx: McpContext, path: string): Promise<string> {
  const full = join(ctx.paths.root, path);
  let stat;
  try {
    stat = lstatSync(full);
  } catch {
    throw new NotFoundError("memory file", path);
  }
  if (!stat.isFile()) throw new InvalidArgumentError(`${path} is not a regular file (a symlink is never followed out of the board)`);
  if (stat.size > MAX_MEMORY_BYTES) throw new InvalidArgumentError(`${path} is ${stat.size} bytes, over the ${MAX_MEMORY_BYTES}-byte limit; compact it`);
  const text = readFileSync(full, "utf8");
  if (ctx.visibleMax !== undefined) {
    const board = await loadBoard(ctx.paths);
    const { level, why } = memoryLevel(text, (id) => board.byId.get(id)?.fields.sensitivity);
    if (!visible(ctx, level)) throw new SensitivityRefusedError(`${path} (${why ?? level})`, level, ctx.visibleMax);
  }
  return text;
}
