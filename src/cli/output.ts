import type { Bead, BeadWithBody } from "../bead/fields.js";

/** `--json` shape (DESIGN §7): id, path and every front-matter field; show adds body. */
export function beadJson(bead: Bead | BeadWithBody): Record<string, unknown> {
  const json: Record<string, unknown> = { id: bead.id, path: bead.path, ...bead.fields };
  if ("body" in bead) json.body = bead.body;
  return json;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Fit text to a column, counting UTF-16 units (good enough for titles; never breaks a surrogate pair). */
export function fit(text: string, width: number): string {
  if (width <= 0) return "";
  const chars = Array.from(text);
  if (chars.length <= width) return text + " ".repeat(width - chars.length);
  return `${chars.slice(0, Math.max(0, width - 1)).join("")}…`;
}

export function beadTable(beads: readonly Bead[], columns = 100): string {
  if (beads.length === 0) return "no beads\n";
  const idWidth = Math.max(2, ...beads.map((bead) => bead.id.length));
  const agentWidth = Math.max(5, ...beads.map((bead) => (bead.fields.agent ?? "").length));
  const fixed = idWidth + 9 + 3 + 9 + agentWidth + 5;
  const titleWidth = Math.max(10, columns - fixed);
  const lines = [`${fit("ID", idWidth)}  ${fit("STATUS", 9)} P  ${fit("TYPE", 8)} ${fit("AGENT", agentWidth)}  TITLE`];
  for (const bead of beads) {
    const f = bead.fields;
    // Waiting on a person: the marker comes first so that no column width hides it.
    const progress = bead.checklist ? `${f.title} (${bead.checklist.done}/${bead.checklist.total})` : f.title;
    const title = f.escalation === "requested" ? `[approve?] ${progress}` : progress;
    lines.push(`${fit(bead.id, idWidth)}  ${fit(f.status, 9)} ${f.priority}  ${fit(f.type, 8)} ${fit(f.agent ?? "", agentWidth)}  ${fit(title, titleWidth).trimEnd()}`);
  }
  return `${lines.join("\n")}\n`;
}
