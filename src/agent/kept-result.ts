/**
 * A result that could not be written back because the bead file became unreadable meanwhile
 * (a person saved invalid YAML while the agent worked): kept under .git/beadboard/attempts/
 * so no work is lost, with a message saying how to recover (issue 14, item 10).
 *
 * Beside the readable copy (`<id>-<time>.md`) a pending write-back (`<id>.<agent>.pending.json`)
 * is kept: as soon as the file reads again (the runtime looks on every board event, and a later
 * `bead up` at its first look) the result is written back as usual, which ends the claim at
 * once instead of when its lease lapses: done (or failed) with the result when the claim is
 * still ours, a late-result section when someone else holds the bead by then.
 */
import { mkdirSync, readdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../os/atomic-write.js";
import { beadPath } from "../board/paths.js";
import { parseBeadFile } from "../board/read-bead.js";
import { readBoardFileText } from "../board/safe-read.js";
import type { WorkResult, WriteBackOutcome } from "../claim/write-back.js";
import type { MetricsLog } from "./metrics.js";

const PENDING = ".pending.json";
const MAX_PENDING_BYTES = 2 * 1024 * 1024;

export function keepResult(stateDir: string, id: string, agent: string, result: string, reason: string, now = new Date()): string {
  const dir = join(stateDir, "attempts");
  mkdirSync(dir, { recursive: true });
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  const file = join(dir, `${id}-${stamp}.md`);
  writeFileAtomic(file, `# Result of ${id} by ${agent} (${now.toISOString()})\n\nNot written to beads/${id}.md: ${reason}\n\n## Result\n\n${result}\n`);
  return file;
}

/** Keep the work for writing back once the bead reads again; one pending write-back per bead and agent (the latest wins). */
export function keepPendingWriteBack(stateDir: string, id: string, agent: string, work: WorkResult, keptFile: string): string {
  const dir = join(stateDir, "attempts");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${id}.${agent}${PENDING}`);
  writeFileAtomic(file, `${JSON.stringify({ id, agent, work, kept: keptFile })}\n`);
  return file;
}

export interface KeptWriteBackEnv {
  stateDir: string;
  root: string;
  agent: string;
  writeBack: (id: string, agent: string, work: WorkResult) => Promise<WriteBackOutcome>;
  publish: () => Promise<void>;
  log: (line: string) => void;
  metrics: MetricsLog;
  /** Failures already logged, so a lasting one is said once. */
  said: Set<string>;
}

/**
 * Write back every pending result of `agent` whose bead reads again. A bead still unreadable
 * stays pending; a pending file that is not ours in shape is left alone and said once.
 * Returns how many were written.
 */
export async function writeKeptResults(env: KeptWriteBackEnv): Promise<number> {
  const dir = join(env.stateDir, "attempts");
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(`.${env.agent}${PENDING}`));
  } catch {
    return 0; // no attempts yet
  }
  let written = 0;
  for (const name of names) {
    const file = join(dir, name);
    const pending = readPending(file, env.agent);
    if (!pending) continue;
    try {
      parseBeadFile(join(env.root, beadPath(pending.id)), pending.id);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        unlinkSync(file);
        env.log(`${pending.id}: the bead was deleted; its kept result stays in ${pending.kept}`);
      }
      continue; // still unreadable (ParseError): wait for the person's fix
    }
    let outcome: WriteBackOutcome;
    try {
      outcome = await env.writeBack(pending.id, env.agent, pending.work);
    } catch (error) {
      // Said once per reason, not on every look at the board.
      const why = `${pending.id}: could not write back the kept result: ${error instanceof Error ? error.message : String(error)}`;
      if (!env.said.has(why)) env.log(why);
      env.said.add(why);
      continue;
    }
    unlinkSync(file);
    written++;
    env.metrics.record({ event: "result_restored", agent: env.agent, bead: pending.id, kind: outcome.kind, kept: pending.kept });
    env.log(
      outcome.kind === "written"
        ? `${pending.id}: the file reads again; the kept result is written back (${pending.work.outcome}) and the claim ended`
        : `${pending.id}: the file reads again; the claim was lost meanwhile, so the kept result is added as a late-result section`,
    );
  }
  if (written > 0) await env.publish();
  return written;
}

/** Every pending write-back on this board, for `bead doctor`: which bead, whose, and where the result is kept. */
export function listPendingWriteBacks(stateDir: string): Array<{ id: string; agent: string; kept: string }> {
  const dir = join(stateDir, "attempts");
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(PENDING)).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const pending = readPending(join(dir, name), undefined);
    return pending ? [{ id: pending.id, agent: pending.agent, kept: pending.kept }] : [];
  });
}

interface Pending {
  id: string;
  agent: string;
  work: WorkResult;
  kept: string;
}

/** A pending write-back as written by keepPendingWriteBack (for `agent`, when given); undefined for anything else. */
function readPending(file: string, agent: string | undefined): Pending | undefined {
  try {
    const raw: unknown = JSON.parse(readBoardFileText(file, file, MAX_PENDING_BYTES));
    const value = raw as { id?: unknown; agent?: unknown; work?: { outcome?: unknown; result?: unknown }; kept?: unknown };
    const outcome = value.work?.outcome;
    if (typeof value.id !== "string" || typeof value.agent !== "string" || (agent !== undefined && value.agent !== agent) || typeof value.work?.result !== "string" || (outcome !== "done" && outcome !== "failed" && outcome !== "blocked")) return undefined;
    return { id: value.id, agent: value.agent, work: value.work as WorkResult, kept: typeof value.kept === "string" ? value.kept : "" };
  } catch {
    return undefined;
  }
}
