/**
 * A result that could not be written back because the bead file became unreadable meanwhile
 * (a person saved invalid YAML while the agent worked): kept under .git/beadboard/attempts/
 * so no work is lost, with a message saying how to recover (issue 14, item 10).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../os/atomic-write.js";

export function keepResult(stateDir: string, id: string, agent: string, result: string, reason: string, now = new Date()): string {
  const dir = join(stateDir, "attempts");
  mkdirSync(dir, { recursive: true });
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  const file = join(dir, `${id}-${stamp}.md`);
  writeFileAtomic(file, `# Result of ${id} by ${agent} (${now.toISOString()})\n\nNot written to beads/${id}.md: ${reason}\n\n## Result\n\n${result}\n`);
  return file;
}
