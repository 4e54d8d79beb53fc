import type { Bead } from "../bead/fields.js";

/**
 * The search store's layout, shared by the code that writes it (store.ts) and the scanner that
 * reads it (scan.ts). One file: a JSON header line, then the beads' front-matter as JSON, then
 * the beads' lower-cased text ("title\nbody") back to back, as UTF-8. Offsets are bytes after
 * the header line. The header holds what ranking and filtering need for every bead, so a search
 * decodes neither the fields nor the texts of beads that do not match.
 */
export const STORE_VERSION = 3;

export interface StoreRow {
  name: string;
  /** The file's stamp (board/load.ts#fileStamp) when its text was stored. */
  stamp: string;
  textStart: number;
  textLength: number;
  /** Bytes of the lower-cased title at the start of the text (before its "\n"). */
  titleLength: number;
  beadStart: number;
  beadLength: number;
  /** 1-based file line where the body starts. */
  bodyLine: number;
  priority: number;
  createdMs: number;
  status: string;
  type: string;
  agent: string | null;
  claimedBy: string | null;
  labels: string[];
}

/**
 * The header's rows, column by column: a few large arrays parse and collect much faster than
 * ten thousand small ones (the header of a 10,000-bead store is read on every search).
 */
export interface StoreColumns {
  names: string[];
  stamps: string[];
  /** NUMBERS_PER_ROW numbers per row, in the order of NUMBER_FIELDS. */
  numbers: number[];
  statuses: string[];
  types: string[];
  agents: Array<string | null>;
  claimedBy: Array<string | null>;
  labels: string[][];
}

const NUMBER_FIELDS = ["textStart", "textLength", "titleLength", "beadStart", "beadLength", "bodyLine", "priority", "createdMs"] as const;
const NUMBERS_PER_ROW = NUMBER_FIELDS.length;

export function rowsToColumns(rows: readonly StoreRow[]): StoreColumns {
  const columns: StoreColumns = { names: [], stamps: [], numbers: [], statuses: [], types: [], agents: [], claimedBy: [], labels: [] };
  for (const row of rows) {
    columns.names.push(row.name);
    columns.stamps.push(row.stamp);
    for (const field of NUMBER_FIELDS) columns.numbers.push(row[field]);
    columns.statuses.push(row.status);
    columns.types.push(row.type);
    columns.agents.push(row.agent);
    columns.claimedBy.push(row.claimedBy);
    columns.labels.push(row.labels);
  }
  return columns;
}

/** The rows of a parsed header, or undefined when it is not one we wrote (then the store is rebuilt). */
export function columnsToRows(value: unknown): StoreRow[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const c = value as Partial<StoreColumns>;
  const count = c.names?.length;
  if (count === undefined || !Array.isArray(c.names) || !Array.isArray(c.numbers) || c.numbers.length !== count * NUMBERS_PER_ROW) return undefined;
  for (const column of [c.stamps, c.statuses, c.types, c.agents, c.claimedBy, c.labels]) if (!Array.isArray(column) || column.length !== count) return undefined;
  const n = c.numbers;
  const rows: StoreRow[] = new Array<StoreRow>(count);
  for (let i = 0; i < count; i++) {
    const at = i * NUMBERS_PER_ROW;
    rows[i] = {
      name: c.names[i]!,
      stamp: c.stamps![i]!,
      textStart: n[at]!,
      textLength: n[at + 1]!,
      titleLength: n[at + 2]!,
      beadStart: n[at + 3]!,
      beadLength: n[at + 4]!,
      bodyLine: n[at + 5]!,
      priority: n[at + 6]!,
      createdMs: n[at + 7]!,
      status: c.statuses![i]!,
      type: c.types![i]!,
      agent: c.agents![i]!,
      claimedBy: c.claimedBy![i]!,
      labels: c.labels![i]!,
    };
  }
  return rows;
}

/** What a row says about its bead, without decoding the bead's JSON. */
export function rowFromBead(bead: Bead, stamp: string, bodyLine: number): Omit<StoreRow, "textStart" | "textLength" | "titleLength" | "beadStart" | "beadLength"> {
  const f = bead.fields;
  return {
    name: `${bead.id}.md`,
    stamp,
    bodyLine,
    priority: f.priority,
    createdMs: bead.createdMs,
    status: f.status,
    type: f.type,
    agent: f.agent ?? null,
    claimedBy: f.claimed_by ?? null,
    labels: f.labels,
  };
}
