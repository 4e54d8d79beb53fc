import { lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Bead } from "../bead/fields.js";
import { splitFrontMatter } from "../bead/frontmatter.js";
import { MAX_BEAD_BYTES } from "../bead/parse.js";
import { listBeadFiles } from "../board/bead-files.js";
import { fileStamp, loadBoardStamped, stampMtimeMs, type StampedBoard } from "../board/load.js";
import type { BoardPaths } from "../board/paths.js";
import { readBeadEntry } from "../board/read-bead.js";
import { rowFromBead, type StoreRow } from "./store-format.js";
import { readStore, writeStore, type SearchStore } from "./store-file.js";

/**
 * The search store of one directory of beads (store-format.ts), kept under .git/beadboard/
 * (store-file.ts). A search lstats every bead file (as `bead ls` does) and, when every stamp
 * matches the store, scans the store alone: no bead parsing, no per-bead reads. When a few files
 * changed, only those are parsed and the store is extended by an overlay; when many changed (or
 * there is no store) the board is loaded through its own cache and the store rewritten, reusing
 * the bytes of every unchanged bead.
 */
export type { SearchStore } from "./store-file.js";
export { STORE_FILE } from "./store-file.js";

/** Past this share of changed files, loading the board through its cache beats parsing each. */
const PATCH_SHARE = 0.25;

/**
 * `loaded`: the board as the caller just loaded it (`bead ls --text`), whose stamps stand for
 * this lstat pass: one pass over 10,000 files instead of two.
 */
export async function openSearchStore(paths: BoardPaths, loaded?: StampedBoard): Promise<SearchStore> {
  const stored = readStore(paths.stateDir);
  if (stored !== undefined) {
    const files = loaded ? comparisonOf(loaded.stamps, stored.rows) : compareFiles(paths.beadsDir, stored.rows);
    if (files.changed.length === 0 && files.names.length === stored.rows.length) return stored;
    if (files.changed.length <= Math.max(1, stored.rows.length * PATCH_SHARE)) {
      const patched = patchStore(paths.beadsDir, stored, files);
      writeStore(paths.stateDir, patched, stored);
      return patched;
    }
  }
  const { board, stamps } = loaded ?? (await loadBoardStamped(paths));
  const rebuilt = buildStore(paths.beadsDir, board.beads, stamps, stored);
  writeStore(paths.stateDir, rebuilt, undefined);
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

interface FileComparison {
  /** The bead files as listed now, in order, with their stamps (lstat: a link is never followed). */
  names: string[];
  stamps: Map<string, { stamp: string; mtimeMs: number }>;
  /** Listed files whose stamp is not the stored one (new, edited, racy). */
  changed: string[];
}

/** Which of the listed files (name → stamp, from lstat here or from a board load) the stored rows do not match. */
function comparisonOf(loadedStamps: ReadonlyMap<string, string>, rows: readonly StoreRow[]): FileComparison {
  const stored = new Map(rows.map((row) => [row.name, row.stamp]));
  const stamps = new Map<string, { stamp: string; mtimeMs: number }>();
  const changed: string[] = [];
  for (const [name, stamp] of loadedStamps) {
    stamps.set(name, { stamp, mtimeMs: stampMtimeMs(stamp) });
    const was = stored.get(name);
    if (was === undefined || was !== stamp || was.startsWith("racy:")) changed.push(name);
  }
  return { names: [...loadedStamps.keys()], stamps, changed };
}

function compareFiles(beadsDir: string, rows: readonly StoreRow[]): FileComparison {
  const stamps = new Map<string, string>();
  const readAtMs = Date.now();
  const prefix = `${beadsDir}/`;
  for (const name of listBeadFiles(beadsDir)) {
    const stat = lstatSync(prefix + name, { throwIfNoEntry: false });
    if (stat === undefined) continue;
    // A link or a special file is a lint problem with no text; the board's loader stamps it so too.
    stamps.set(name, stat.isFile() ? fileStamp(stat, readAtMs) : `special:${stat.ino}`);
  }
  return comparisonOf(stamps, rows);
}

/** The stored store with the changed files re-read and appended; every other row keeps its bytes where they are. */
function patchStore(beadsDir: string, stored: SearchStore, files: FileComparison): SearchStore {
  const old = new Map(stored.rows.map((row) => [row.name, row]));
  const changed = new Set(files.changed);
  const added: Buffer[] = [];
  let at = stored.data.length;
  const rows: StoreRow[] = [];
  for (const name of files.names) {
    const { stamp, mtimeMs } = files.stamps.get(name)!;
    const kept = old.get(name);
    if (!changed.has(name) && kept !== undefined) {
      rows.push(kept);
      continue;
    }
    const bead = stamp.startsWith("special:") ? undefined : readBeadEntry(beadsDir, name, mtimeMs).bead;
    if (bead === undefined) {
      rows.push({ ...EMPTY_ROW, name, stamp });
      continue;
    }
    const body = readBody(join(beadsDir, name));
    const entry = storeEntry(bead, stamp, body.body, body.bodyLine);
    rows.push({ ...entry.row, beadStart: at, textStart: at + entry.json.length });
    added.push(entry.json, entry.text);
    at += entry.json.length + entry.text.length;
  }
  return { rows, data: Buffer.concat([stored.data, ...added]) };
}

const EMPTY_ROW: Omit<StoreRow, "name" | "stamp"> = { textStart: 0, beadStart: 0, bodyLine: 1, priority: 0, createdMs: 0, status: "", type: "", agent: null, claimedBy: null, labels: [], textLength: 0, titleLength: 0, beadLength: 0 };

function buildStore(beadsDir: string, beads: readonly Bead[], stamps: ReadonlyMap<string, string>, previous: SearchStore | undefined): SearchStore {
  const old = new Map(previous?.rows.map((row) => [row.name, row]));
  const texts: Buffer[] = [];
  const jsons: Buffer[] = [];
  const partial: Array<Omit<StoreRow, "textStart" | "beadStart">> = [];
  // One row per bead file, in file-name order as compareFiles lists them. A file that is not a
  // valid bead gets an empty row (no bead, no text), so that its presence still matches.
  const byName = new Map(beads.map((bead) => [`${bead.id}.md`, bead]));
  for (const name of [...stamps.keys()].sort()) {
    const stamp = stamps.get(name)!;
    const bead = byName.get(name);
    if (bead === undefined) {
      texts.push(Buffer.alloc(0));
      jsons.push(Buffer.alloc(0));
      partial.push({ ...EMPTY_ROW, name, stamp });
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
