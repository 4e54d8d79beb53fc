/**
 * How `bead board` draws the board, shared by the plain command and its `--watch` mode:
 * the columns as text for the terminal, or as JSON.
 */
import type { Bead, Status } from "../../bead/fields.js";
import { blockersOf, byPriorityThenAge } from "../../board/queries.js";
import { beadJson, fit } from "../output.js";

const COLUMNS: Array<{ title: string; statuses: Status[] }> = [
  { title: "OPEN", statuses: ["open"] },
  { title: "CLAIMED", statuses: ["claimed"] },
  { title: "BLOCKED", statuses: ["blocked"] },
  { title: "DONE", statuses: ["done"] },
  { title: "FAILED", statuses: ["failed", "cancelled"] },
];
const MAX_ROWS = 20;

/** `board --json`: the columns as the terminal shows them, each bead in the `ls --json` shape plus what blocks it. */
export function boardJson(beads: readonly Bead[], byId: ReadonlyMap<string, Bead>): { columns: Array<{ title: string; beads: Array<Record<string, unknown>> }> } {
  return {
    columns: arrange(beads, byId).map((column) => ({
      title: column.title,
      beads: column.beads.map((bead) => ({ ...beadJson(bead), blocked_by: blockersOf(bead, byId).map((blocker) => blocker.id) })),
    })),
  };
}

/** The columns, with open beads whose deps are not done moved to BLOCKED: they wait, they are not ready. */
function arrange(beads: readonly Bead[], byId?: ReadonlyMap<string, Bead>): Array<{ title: string; beads: Bead[] }> {
  const waiting = (bead: Bead) => byId !== undefined && bead.fields.status === "open" && blockersOf(bead, byId).length > 0;
  return COLUMNS.map((column) => ({
    title: column.title,
    beads: beads
      .filter((bead) => (column.title === "BLOCKED" && waiting(bead)) || (column.statuses.includes(bead.fields.status) && !(column.title === "OPEN" && waiting(bead))))
      .sort(byPriorityThenAge),
  }));
}

const MIN_COLUMN = 12;
const GAP = 3; // " │ "

export function renderBoard(beads: readonly Bead[], width: number, byId?: ReadonlyMap<string, Bead>): string {
  const columns = arrange(beads, byId);
  const columnWidth = Math.floor((width - (columns.length - 1) * GAP) / columns.length);
  // Too narrow for side-by-side columns: one status under the other, each line fitted to the width.
  if (columnWidth < MIN_COLUMN) return renderStacked(columns, Math.max(1, width));
  const lines = [columns.map((column) => fit(`${column.title} (${column.beads.length})`, columnWidth)).join(" │ ")];
  lines.push(columns.map(() => "─".repeat(columnWidth)).join("─┼─"));
  const rows = Math.min(MAX_ROWS, Math.max(0, ...columns.map((column) => column.beads.length)));
  for (let row = 0; row < rows; row++) {
    const cells = columns.map((column) => {
      const bead = column.beads[row];
      return bead ? fit(cardText(bead), columnWidth) : " ".repeat(columnWidth);
    });
    lines.push(cells.join(" │ ").trimEnd());
  }
  const hidden = columns.map((column) => Math.max(0, column.beads.length - MAX_ROWS));
  if (hidden.some((count) => count > 0)) lines.push(columns.map((column, i) => fit(hidden[i] ? `… ${hidden[i]} more` : "", columnWidth)).join(" │ ").trimEnd());
  return `${lines.join("\n")}\n`;
}

function renderStacked(columns: Array<{ title: string; beads: Bead[] }>, width: number): string {
  const lines: string[] = [];
  for (const column of columns) {
    lines.push(fit(`${column.title} (${column.beads.length})`, width).trimEnd());
    for (const bead of column.beads.slice(0, MAX_ROWS)) lines.push(fit(`  ${cardText(bead)}`, width).trimEnd());
    if (column.beads.length > MAX_ROWS) lines.push(fit(`  … ${column.beads.length - MAX_ROWS} more`, width).trimEnd());
  }
  return `${lines.join("\n")}\n`;
}

function cardText(bead: Bead): string {
  const who = bead.fields.status === "claimed" && bead.fields.claimed_by ? ` @${bead.fields.claimed_by.split("@")[0]}` : "";
  // Waiting on a person's approve/deny: marked before the title so a narrow column keeps it.
  const waits = bead.fields.escalation === "requested" ? " [approve?]" : "";
  return `P${bead.fields.priority} ${bead.id}${who}${waits} ${bead.fields.title.replace(/\s+/g, " ")}`;
}
