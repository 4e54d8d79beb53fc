/**
 * A follow-up bead (discovered while working another) through the board's normal new-bead path
 * (board/new-bead.ts, board/write.ts): `discovered_from: <parent>`, a fresh id, one commit. Used
 * for finish's followups and for an acting agent's new_bead tool; the limits are the caller's.
 */
import { existsSync } from "node:fs";
import { randomInt } from "node:crypto";
import { join } from "node:path";
import { setFields } from "../bead/edit-yaml.js";
import type { Sensitivity } from "../bead/fields.js";
import { generateId } from "../bead/ids.js";
import { listBeadFiles } from "../board/bead-files.js";
import { newBeadText } from "../board/new-bead.js";
import { beadPath } from "../board/paths.js";
import { parseBeadFile } from "../board/read-bead.js";
import { createBead, type WriteContext } from "../board/write.js";
import type { BoardConfig } from "../board/config.js";

export interface FollowupInput {
  title: string;
  body: string;
  labels: string[];
  priority: number;
}

export interface FollowupEnv {
  ctx: WriteContext;
  config: Pick<BoardConfig, "prefix">;
  agent: { name: string };
}

/** Creates the bead and returns its id; a taken id (a race with another writer) is drawn again. */
export async function createFollowUp(env: FollowupEnv, parentId: string, followup: FollowupInput): Promise<string> {
  const { paths } = env.ctx;
  const count = listBeadFiles(paths.beadsDir).length;
  for (;;) {
    const childId = generateId(env.config.prefix, (candidate) => existsSync(join(paths.root, beadPath(candidate))), count, randomInt);
    const text = newBeadText({ title: followup.title.slice(0, 200) || "Follow-up", priority: followup.priority, labels: followup.labels, discovered_from: parentId, sensitivity: inheritedLevel(paths.root, parentId) }, followup.body, new Date(), setFields);
    if ((await createBead(env.ctx, childId, text, `new ${childId}: follow-up of ${parentId} by ${env.agent.name}`)) !== false) return childId;
  }
}

/** Follow-ups repeat what their parent said: a private parent has private follow-ups. */
function inheritedLevel(root: string, parentId: string): Sensitivity | undefined {
  let level: Sensitivity | undefined;
  try {
    level = parseBeadFile(join(root, beadPath(parentId)), parentId).fields.sensitivity;
  } catch {
    return undefined;
  }
  return level === "private" || level === "secret" ? level : undefined;
}
