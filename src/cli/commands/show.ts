import { join } from "node:path";
import { assertValidId } from "../../bead/ids.js";
import { beadPath } from "../../board/paths.js";
import { archivedBeadPath } from "../../board/archive-paths.js";
import { parseBeadFile } from "../../board/read-bead.js";
import { NotFoundError } from "../../errors.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { beadJson, json } from "../output.js";
import { existsSync } from "node:fs";

export async function show(io: CliIo, id: string, options: GlobalOptions): Promise<void> {
  const paths = boardFor(io, options);
  assertValidId(id);
  let file = join(paths.root, beadPath(id));
  // An archived bead is still shown (issue 17), with its archive path.
  const archived = !existsSync(file) && existsSync(join(paths.root, archivedBeadPath(id)));
  if (archived) file = join(paths.root, archivedBeadPath(id));
  if (!existsSync(file)) throw new NotFoundError("bead", id, `no file ${beadPath(id)}`);
  const bead = parseBeadFile(file, id);
  if (archived) bead.path = archivedBeadPath(id);
  const { parseComments } = await import("../../bead/comments.js");
  const comments = parseComments(bead.body);
  const { readAttempts } = await import("../../harness/transcript-files.js");
  const work = readAttempts(paths.gitdir, id).map((entry) => entry.summary);
  if (options.json) {
    const { checklistItems } = await import("../../bead/checklist.js");
    const checklist = checklistItems(bead.body).map(({ n, checked, text, acceptance }) => ({ n, checked, text, acceptance }));
    io.out(json({ ...beadJson(bead), comments, checklist, ...(work.length > 0 ? { work } : {}) }));
    return;
  }
  const f = bead.fields;
  const lines = [`${bead.id}: ${f.title}${archived ? " (archived)" : ""}`, `  status: ${f.status}   priority: ${f.priority}   type: ${f.type}   sensitivity: ${f.sensitivity}`];
  if (f.agent) lines.push(`  agent: ${f.agent}`);
  if (f.labels.length) lines.push(`  labels: ${f.labels.join(", ")}`);
  if (f.deps.length) lines.push(`  deps: ${f.deps.join(", ")}`);
  if (f.escalation === "requested") lines.push(`  escalation requested: waiting for a person: \`bead approve ${bead.id}\` or \`bead deny ${bead.id} [reason]\``);
  else if (f.escalation) lines.push(`  escalation: ${f.escalation}`);
  // A finished bead keeps who worked it; only a live claim has a lease.
  if (f.claimed_by && f.status === "claimed") lines.push(`  claimed by ${f.claimed_by} at ${f.claimed_at ?? "?"}, lease until ${f.lease_until ?? "?"}`);
  else if (f.claimed_by) lines.push(`  worked by ${f.claimed_by}${f.claimed_at ? ` (claimed at ${f.claimed_at})` : ""}`);
  const branch = typeof f.branch === "string" ? f.branch : undefined;
  if (branch) lines.push(`  branch: ${branch} (\`bead diff ${bead.id}\`, \`bead merge ${bead.id}\`)`);
  const last = work.at(-1);
  if (last) {
    const { summaryLine } = await import("../../stats/transcript-summary.js");
    lines.push(`  work: ${summaryLine(last)}${work.length > 1 ? `; ${work.length} attempts` : ""} (\`bead log ${bead.id} --transcript\`)`);
  }
  if (bead.checklist) lines.push(`  checklist: ${bead.checklist.done}/${bead.checklist.total}`);
  if (comments.length > 0) lines.push(`  comments: ${comments.length}`);
  const body = bead.body.trim();
  io.out(`${lines.join("\n")}\n${body ? `\n${body}\n` : ""}`);
}
