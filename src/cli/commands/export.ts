import { loadBoard } from "../../board/load.js";
import { byPriorityThenAge } from "../../board/queries.js";
import { parseBeadFile } from "../../board/read-bead.js";
import { InvalidArgumentError } from "../../errors.js";
import { join } from "node:path";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { beadJson } from "../output.js";

/**
 * `bead export --format jsonl|md`: every bead of the board on stdout. jsonl: one bead per line in
 * the `show --json` shape (id, path, every field, body). md: one document, a section per bead.
 */
export async function exportBeads(io: CliIo, options: GlobalOptions & { format?: string }): Promise<void> {
  const format = options.format ?? "jsonl";
  if (format !== "jsonl" && format !== "md") throw new InvalidArgumentError(`--format must be jsonl or md, not ${JSON.stringify(format)}`);
  const paths = boardFor(io, options);
  const board = await loadBoard(paths);
  const beads = [...board.beads].sort(byPriorityThenAge).map((bead) => parseBeadFile(join(paths.root, bead.path), bead.id));
  if (format === "jsonl") {
    io.out(beads.map((bead) => JSON.stringify(beadJson(bead))).join("\n") + (beads.length > 0 ? "\n" : ""));
    return;
  }
  const sections = beads.map((bead) => {
    const f = bead.fields;
    const facts = [`status: ${f.status}`, `priority: ${f.priority}`, `type: ${f.type}`];
    if (f.labels.length > 0) facts.push(`labels: ${f.labels.join(", ")}`);
    if (f.deps.length > 0) facts.push(`deps: ${f.deps.join(", ")}`);
    if (f.agent) facts.push(`agent: ${f.agent}`);
    // The bead's own headings move down a level, under its `##` section.
    const body = bead.body.trim().replace(/^(#{1,5}) /gm, "#$1 ");
    return `## ${bead.id}: ${String(f.title)}\n\n${facts.join(" · ")}\n${body ? `\n${body}\n` : ""}`;
  });
  io.out(`# Beads\n\n${sections.join("\n")}`);
}
