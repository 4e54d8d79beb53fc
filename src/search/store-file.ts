import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../os/atomic-write.js";
import { columnsToRows, rowsToColumns, STORE_VERSION, type StoreRow } from "./store-format.js";

/**
 * The store on disk: a base file (header line, then data) and, after edits, an overlay file whose
 * header lists every row and whose data holds only the rows written since the base. Overlay
 * offsets count from the start of the base's data, so the store in memory is the base's data
 * followed by the overlay's. An edit to one bead of 10,000 writes the header and that bead, not
 * the whole 15 MB again; the overlay is folded into a new base once it outgrows a quarter of it.
 */
export interface SearchStore {
  rows: StoreRow[];
  /** Everything after the header line(s); row offsets point into it. */
  data: Buffer;
}

/** The stored store plus what a write needs to extend it rather than replace it. */
export interface StoredStore extends SearchStore {
  /** The base file's id (absent in a base written before overlays existed) and its data length. */
  base: { id: string | undefined; dataLength: number };
}

export const STORE_FILE = "search-store.v3";
const OVERLAY_FILE = `${STORE_FILE}.overlay`;
/** The overlay is folded into a new base when its data passes this share of the base's. */
const COMPACT_SHARE = 0.25;

export function readStore(stateDir: string): StoredStore | undefined {
  const base = readHeaded(join(stateDir, STORE_FILE));
  if (base === undefined) return undefined;
  const baseRows = columnsToRows(base.header.columns);
  if (baseRows === undefined || !endsAt(baseRows, base.data.length)) return undefined;
  const id = typeof base.header.id === "string" ? base.header.id : undefined;
  const stored: StoredStore = { rows: baseRows, data: base.data, base: { id, dataLength: base.data.length } };
  const overlay = id === undefined ? undefined : readHeaded(join(stateDir, OVERLAY_FILE));
  // An overlay of another base (the base was rewritten since) or a torn one is ignored: the stamps
  // then send the changed beads through a fresh write, never a wrong answer.
  if (overlay === undefined || overlay.header.base !== id) return stored;
  const rows = columnsToRows(overlay.header.columns);
  const data = Buffer.concat([base.data, overlay.data]);
  if (rows === undefined || !rows.every((row) => row.beadStart + row.beadLength <= data.length && row.textStart + row.textLength <= data.length)) return stored;
  return { rows, data, base: stored.base };
}

/**
 * Writes `store`. When `previous` is the base it extends (its data is a prefix of `store.data`)
 * and the new part is small, only an overlay is written; otherwise a new base, and the old
 * overlay goes. A read-only board still searches; it just stays cold.
 */
export function writeStore(stateDir: string, store: SearchStore, previous: StoredStore | undefined): void {
  try {
    mkdirSync(stateDir, { recursive: true });
    const extendsBase = previous?.base.id !== undefined && store.data.length >= previous.base.dataLength;
    const added = store.data.length - (previous?.base.dataLength ?? 0);
    if (extendsBase && added <= previous.base.dataLength * COMPACT_SHARE) {
      const header = { v: STORE_VERSION, base: previous.base.id, columns: rowsToColumns(store.rows) };
      writeFileAtomic(join(stateDir, OVERLAY_FILE), Buffer.concat([headerLine(header), store.data.subarray(previous.base.dataLength)]));
      return;
    }
    const header = { v: STORE_VERSION, id: randomBytes(8).toString("hex"), columns: rowsToColumns(store.rows) };
    writeFileAtomic(join(stateDir, STORE_FILE), Buffer.concat([headerLine(header), store.data]));
    rmSync(join(stateDir, OVERLAY_FILE), { force: true });
  } catch {
    // Read-only or full: the next search rebuilds what it needs.
  }
}

function headerLine(header: object): Buffer {
  return Buffer.from(`${JSON.stringify(header)}\n`, "utf8");
}

function readHeaded(file: string): { header: { v?: unknown; id?: unknown; base?: unknown; columns?: unknown }; data: Buffer } | undefined {
  try {
    const bytes = readFileSync(file);
    const newline = bytes.indexOf(0x0a);
    if (newline === -1) return undefined;
    const header = JSON.parse(bytes.toString("utf8", 0, newline)) as { v?: unknown; id?: unknown; base?: unknown; columns?: unknown };
    if (typeof header !== "object" || header === null || header.v !== STORE_VERSION) return undefined;
    return { header, data: bytes.subarray(newline + 1) };
  } catch {
    return undefined; // missing, corrupt or from another version
  }
}

/** A base's last text ends its data; a shorter file was cut off. */
function endsAt(rows: readonly StoreRow[], length: number): boolean {
  const last = rows[rows.length - 1];
  return last === undefined ? true : last.textStart + last.textLength === length;
}
