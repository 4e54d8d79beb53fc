import { lstatSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Bead } from "../bead/fields.js";
import { splitFrontMatter } from "../bead/frontmatter.js";
import { MAX_BEAD_BYTES } from "../bead/parse.js";
import { writeFileAtomic } from "../os/atomic-write.js";
import { listBeadFiles } from "../board/bead-files.js";
import { fileStamp, loadBoardStamped } from "../board/load.js";
import type { BoardPaths } from "../board/paths.js";
import { columnsToRows, rowFromBead, rowsToColumns, STORE_VERSION, type StoreRow } from "./store-format.js";

/**
 * The search store of one directory of beads (store-format.ts), kept under .git/beadboard/.
 * A search stats every bead file (as `bead ls` does) and, when every stamp matches the store,
 * scans the store alone: no bead parsing, no per-bead reads. Otherwise the board is loaded
 * (through its own cache) and the store rewritten, reusing the bytes of every unchanged bead.
 */
export interface SearchStore {
  rows: StoreRow[];
  /** Everything after the header line; row offsets point into it. */
  data: Buffer;
}

export const STORE_FILE = "search-store.v3";

export async function openSearchStore(paths: BoardPaths): Promise<SearchStore> {
  const file = join(paths.stateDir, STORE_FILE);
  const stored = readStore(file);
  if (stored !== undefined && matchesFiles(paths.beadsDir, stored.rows)) return stored;
  const { board, stamps } = await loadBoardStamped(paths);
  const rebuilt = buildStore(paths.beadsDir, board.beads, stamps, stored);
  writeStore(paths.stateDir, file, rebuilt);
  return rebuilt;
}

/** The bead a row stores, decoded (only done for the hits). */
export function storedBead(store: SearchStore, row: StoreRow): Bead {
  return JSON.parse(store.data.toString("utf8", row.beadStart, row.beadStart + row.beadLength)) as Bead;
}

/** The row's lower-cased "title\nbody". */
export function storedText(store: SearchStore, row: StoreRow): string {
  return store.data.toString("utf8", row.textStart, row.textStart + row.textLength);
}

function matchesFiles(beadsDir: string, rows: readonly StoreRow[]): boolean {
  const names = listBeadFiles(beadsDir);
  if (names.length !== rows.length) return false;
  const readAtMs = Date.now();
  const prefix = `${beadsDir}/`;
  for (let i = 0; i < names.length; i++) {
    const row = rows[i]!;
    if (row.name !== names[i] || row.stamp.startsWith("racy:")) return false;
    const stat = statSync(prefix + names[i]!, { throwIfNoEntry: false });
    if (stat === undefined || !stat.isFile() || fileStamp(stat, readAtMs) !== row.stamp) return false;
  }
  return true;
}

function buildStore(beadsDir: string, beads: readonly Bead[], stamps: ReadonlyMap<string, string>, previous: SearchStore | undefined): SearchStore {
  const old = new Map(previous?.rows.map((row) => [row.name, row]));
  const texts: Buffer[] = [];
  const jsons: Buffer[] = [];
  const partial: Array<Omit<StoreRow, "textStart" | "beadStart">> = [];
  // One row per bead file, in file-name order as matchesFiles lists them. A file that is not a
  // valid bead gets an empty row (no bead, no text), so that its presence still matches.
  const byName = new Map(beads.map((bead) => [`${bead.id}.md`, bead]));
  for (const name of [...stamps.keys()].sort()) {
    const stamp = stamps.get(name)!;
    const bead = byName.get(name);
    if (bead === undefined) {
      texts.push(Buffer.alloc(0));
      jsons.push(Buffer.alloc(0));
      partial.push({ name, stamp, bodyLine: 1, priority: 0, createdMs: 0, status: "", type: "", agent: null, claimedBy: null, labels: [], textLength: 0, titleLength: 0, beadLength: 0 });
      continue;
    }
    const kept = old.get(name);
    if (previous !== undefined && kept !== undefined && kept.stamp === stamp && !stamp.startsWith("racy:") && kept.beadLength > 0) {
      // Unchanged file: its stored text is reused as bytes, without reading or lower-casing it again.
      const json = Buffer.from(JSON.stringify(bead), "utf8");
      texts.push(previous.data.subarray(kept.textStart, kept.textStart + kept.textLength));
      jsons.push(json);
      partial.push({ ...kept, beadLength: json.length });
      continue;
    }
    const body = readBody(join(beadsDir, name));
    const entry = storeEntry(bead, stamp, body.body, body.bodyLine);
    texts.push(entry.text);
    jsons.push(entry.json);
    partial.push(entry.row);
  }
  return packStore(partial, jsons, texts);
}

/** Lay rows out as the store does: every bead's JSON, then every text, offsets filled in. Pure. */
export function packStore(partial: ReadonlyArray<Omit<StoreRow, "textStart" | "beadStart">>, jsons: readonly Buffer[], texts: readonly Buffer[]): SearchStore {
  const rows: StoreRow[] = [];
  let at = 0;
  for (let i = 0; i < partial.length; i++) {
    rows.push({ ...partial[i]!, beadStart: at, textStart: 0 });
    at += jsons[i]!.length;
  }
  for (let i = 0; i < rows.length; i++) {
    rows[i]!.textStart = at;
    at += texts[i]!.length;
  }
  return { rows, data: Buffer.concat([...jsons, ...texts]) };
}

/** One bead's row parts as buildStore makes them from its parsed fields and body. Pure. */
export function storeEntry(bead: Bead, stamp: string, body: string, bodyLine: number): { row: Omit<StoreRow, "textStart" | "beadStart">; json: Buffer; text: Buffer } {
  const title = searchableTitle(bead);
  const text = Buffer.from(`${title}\n${body.toLowerCase()}`, "utf8");
  const json = Buffer.from(JSON.stringify(bead), "utf8");
  return { row: { ...rowFromBead(bead, stamp, bodyLine), textLength: text.length, titleLength: Buffer.byteLength(title, "utf8"), beadLength: json.length }, json, text };
}

/** The title as the first line of the searched text: one line, lower-cased. */
function searchableTitle(bead: Bead): string {
  return String(bead.fields.title).replace(/\r?\n/g, " ").toLowerCase();
}

/** A bead's body and the file line it starts on; a file that cannot be read as a bead has no text to search. */
function readBody(file: string): { bodyLine: number; body: string } {
  try {
    // Never follow a symlink out of the board, and never read more than a bead may hold.
    const stat = lstatSync(file);
    if (!stat.isFile() || stat.size > MAX_BEAD_BYTES) return { bodyLine: 1, body: "" };
    const split = splitFrontMatter(readFileSync(file, "utf8"), file);
    return { bodyLine: split.bodyLine, body: split.body };
  } catch {
    return { bodyLine: 1, body: "" };
  }
}

function readStore(file: string): SearchStore | undefined {
  try {
    const bytes = readFileSync(file);
    const newline = bytes.indexOf(0x0a);
    if (newline === -1) return undefined;
    const header = JSON.parse(bytes.toString("utf8", 0, newline)) as { v?: unknown; columns?: unknown };
    if (header.v !== STORE_VERSION) return undefined;
    const rows = columnsToRows(header.columns);
    const data = bytes.subarray(newline + 1);
    // The last text ends the data; a shorter file was cut off.
    if (rows === undefined || (rows.length > 0 && rows[rows.length - 1]!.textStart + rows[rows.length - 1]!.textLength !== data.length)) return undefined;
    return { rows, data };
  } catch {
    return undefined; // missing, corrupt or from another version: rebuild
  }
}

function writeStore(stateDir: string, file: string, store: SearchStore): void {
  try {
    mkdirSync(stateDir, { recursive: true });
    const header = Buffer.from(`${JSON.stringify({ v: STORE_VERSION, columns: rowsToColumns(store.rows) })}\n`, "utf8");
    writeFileAtomic(file, Buffer.concat([header, store.data]));
  } catch {
    // A read-only board still searches; it just stays cold.
  }
}
