import { join } from "node:path";
import { withBoardLock } from "../git/board-lock.js";
import { appendNotes, applyCut, applySummary, planCompaction } from "../memory/index.js";
import { writeFilesLocked, type WriteContext } from "../board/write.js";
import { isBeadboardError, ParseError } from "../errors.js";
import { readBoardFileText } from "../board/safe-read.js";

export interface NoteToRemember {
  note: string;
  shared: boolean;
}

export function readMemory(ctx: WriteContext, relPath: string): string {
  try {
    return readBoardFileText(join(ctx.paths.root, relPath), relPath);
  } catch (error) {
    // A link or FIFO in memory/ is refused loudly: its content must not reach a model.
    if (error instanceof ParseError) throw error;
    return "";
  }
}

export function agentMemoryPath(agent: string): string {
  return `memory/${agent}.md`;
}

/**
 * Append an agent's notes to memory/<agent>.md (and shared ones to memory/MEMORY.md) under
 * today's heading, deduplicated, as one commit. Returns how many notes were new.
 */
export async function rememberNotes(ctx: WriteContext, agent: string, beadId: string, notes: NoteToRemember[], date: string): Promise<number> {
  if (notes.length === 0) return 0;
  return withBoardLock(ctx.paths.stateDir, async () => {
    const files: Array<{ path: string; content: string }> = [];
    let added = 0;
    const targets: Array<[string, NoteToRemember[], string]> = [
      [agentMemoryPath(agent), notes, `# Memory of ${agent}\n`],
      ["memory/MEMORY.md", notes.filter((note) => note.shared), "# Shared memory\n"],
    ];
    for (const [path, chosen, header] of targets) {
      if (chosen.length === 0) continue;
      const current = readMemory(ctx, path) || header;
      const result = appendNotes(current, chosen.map((note) => ({ text: note.note, beadId })), date);
      if (result.added > 0 && path === agentMemoryPath(agent)) added = result.added;
      if (result.text !== current) files.push({ path, content: result.text });
    }
    if (files.length > 0) await writeFilesLocked(ctx, files, `memory: ${agent} +${added} notes (${beadId})`);
    return added;
  });
}

/**
 * Keep a memory file under its cap: the oldest dated sections are summarised by the agent's
 * model when one answers, else cut with a visible marker (git history keeps them). The model
 * call happens outside the board lock; the result is applied only if the file did not change.
 */
export async function compactMemory(
  ctx: WriteContext,
  relPath: string,
  capBytes: number,
  summarize: ((text: string) => Promise<string>) | undefined,
  today: string,
): Promise<"summarized" | "cut" | "none"> {
  const before = readMemory(ctx, relPath);
  const plan = planCompaction(before, capBytes);
  if (!plan) return "none";
  let summary: string | undefined;
  if (summarize) {
    try {
      summary = await summarize(plan.sections.map((section) => section.text).join("\n"));
    } catch {
      summary = undefined; // no model: fall back to cutting
    }
  }
  return withBoardLock(ctx.paths.stateDir, async () => {
    if (readMemory(ctx, relPath) !== before) return "none"; // changed meanwhile; next time
    try {
      const next = summary?.trim() ? applySummary(before, plan, summary) : applyCut(before, plan, today);
      await writeFilesLocked(ctx, [{ path: relPath, content: next }], `memory: compact ${relPath}`);
      return summary?.trim() ? "summarized" : "cut";
    } catch (error) {
      if (isBeadboardError(error)) return "none";
      throw error;
    }
  });
}
