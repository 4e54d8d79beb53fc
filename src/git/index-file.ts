import { createHash } from "node:crypto";
import type { BigIntStats } from "node:fs";
import { NativeUnsupported } from "./objects.js";

/**
 * The git index (`.git/index`), versions 2 and 3, read and written without isomorphic-git.
 * Entries are kept as their stored bytes, so every entry we do not touch is written back exactly
 * as git wrote it (flags, stat data, extended flags). Of the extensions, the cache tree (TREE) is
 * dropped on write (git rebuilds it on its next commit) and the optional end-of-index/offset
 * tables (EOIE, IEOT) are dropped (they only speed up reading); any other extension is refused
 * with NativeUnsupported, and so are other versions and a bad checksum.
 */
export interface IndexEntry {
  /** Path bytes as latin1 text, so that string comparison is git's bytewise order. */
  key: string;
  stage: number;
  /** The flags word has the extended bit (v3): skip-worktree or intent-to-add. */
  extended: boolean;
  /** The stored entry: data[start, end) (the index file read, or the entry's own buffer). */
  data: Buffer;
  start: number;
  end: number;
}

export interface GitIndexFile {
  version: 2 | 3;
  entries: IndexEntry[];
  /** Signatures of the extensions that were present (all of them droppable). */
  extensions: string[];
}

const DROPPABLE = new Set(["TREE", "EOIE", "IEOT"]);
const FLAG_EXTENDED = 0x4000;
const ENTRY_FIXED = 62;

export function emptyIndex(): GitIndexFile {
  return { version: 2, entries: [], extensions: [] };
}

export function parseIndex(data: Buffer): GitIndexFile {
  if (data.length < 32 || data.toString("latin1", 0, 4) !== "DIRC") throw new NativeUnsupported("not a git index");
  const body = data.subarray(0, data.length - 20);
  if (!createHash("sha1").update(body).digest().equals(data.subarray(data.length - 20))) throw new NativeUnsupported("index checksum mismatch");
  const version = data.readUInt32BE(4);
  if (version !== 2 && version !== 3) throw new NativeUnsupported(`index version ${version}`);
  const count = data.readUInt32BE(8);
  const entries: IndexEntry[] = [];
  let pos = 12;
  for (let i = 0; i < count; i++) {
    if (pos + ENTRY_FIXED > body.length) throw new NativeUnsupported("index truncated");
    const flags = data.readUInt16BE(pos + 60);
    const extended = (flags & FLAG_EXTENDED) !== 0;
    if (extended && version !== 3) throw new NativeUnsupported("extended flags in a version 2 index");
    const nameStart = pos + ENTRY_FIXED + (extended ? 2 : 0);
    const nameEnd = data.indexOf(0, nameStart);
    if (nameEnd === -1 || nameEnd >= body.length || nameEnd === nameStart) throw new NativeUnsupported("bad index entry name");
    const end = pos + ((nameEnd - pos + 8) & ~7);
    if (end > body.length) throw new NativeUnsupported("index truncated");
    for (let p = nameEnd; p < end; p++) if (data[p] !== 0) throw new NativeUnsupported("bad index entry padding");
    const key = data.toString("latin1", nameStart, nameEnd);
    const previous = entries[entries.length - 1];
    const stage = (flags >> 12) & 3;
    if (previous && (previous.key > key || (previous.key === key && previous.stage >= stage))) throw new NativeUnsupported("index entries out of order");
    entries.push({ key, stage, extended, data, start: pos, end });
    pos = end;
  }
  const extensions: string[] = [];
  while (pos < body.length) {
    if (pos + 8 > body.length) throw new NativeUnsupported("index extension truncated");
    const signature = data.toString("latin1", pos, pos + 4);
    const size = data.readUInt32BE(pos + 4);
    if (!DROPPABLE.has(signature)) throw new NativeUnsupported(`index extension ${JSON.stringify(signature)}`);
    if (pos + 8 + size > body.length) throw new NativeUnsupported("index extension truncated");
    extensions.push(signature);
    pos += 8 + size;
  }
  return { version, entries, extensions };
}

/** The index as git would write it: version 3 only if an entry needs it, no extensions, SHA-1 trailer. */
export function serializeIndex(index: GitIndexFile): Buffer {
  const header = Buffer.alloc(12);
  header.write("DIRC", 0, "latin1");
  header.writeUInt32BE(index.entries.some((entry) => entry.extended) ? 3 : 2, 4);
  header.writeUInt32BE(index.entries.length, 8);
  let size = 12;
  for (const entry of index.entries) size += entry.end - entry.start;
  const out = Buffer.alloc(size + 20);
  header.copy(out, 0);
  let pos = 12;
  for (const entry of index.entries) pos += entry.data.copy(out, pos, entry.start, entry.end);
  createHash("sha1").update(out.subarray(0, size)).digest().copy(out, size);
  return out;
}

export type EntryMode = 0o100644 | 0o100755;

/**
 * A stage-0 entry for `path`. With `stat` (the work-tree file, known to hold exactly this blob),
 * the entry carries its stat data, so `git status` need not rehash it; without, stat data is
 * zero (as isomorphic-git writes it), which makes git look at the file's content.
 */
export function makeEntry(path: string, oid: string, mode: EntryMode, stat: BigIntStats | null): IndexEntry {
  const name = Buffer.from(path, "utf8");
  const raw = Buffer.alloc((ENTRY_FIXED + name.length + 8) & ~7);
  if (stat) {
    const u32 = (value: bigint): number => Number(value & 0xffffffffn);
    raw.writeUInt32BE(u32(stat.ctimeNs / 1_000_000_000n), 0);
    raw.writeUInt32BE(Number(stat.ctimeNs % 1_000_000_000n), 4);
    raw.writeUInt32BE(u32(stat.mtimeNs / 1_000_000_000n), 8);
    raw.writeUInt32BE(Number(stat.mtimeNs % 1_000_000_000n), 12);
    raw.writeUInt32BE(u32(stat.dev), 16);
    raw.writeUInt32BE(u32(stat.ino), 20);
    raw.writeUInt32BE(u32(stat.uid), 28);
    raw.writeUInt32BE(u32(stat.gid), 32);
    raw.writeUInt32BE(u32(stat.size), 36);
  }
  raw.writeUInt32BE(mode, 24);
  raw.write(oid, 40, 20, "hex");
  raw.writeUInt16BE(Math.min(name.length, 0xfff), 60);
  name.copy(raw, ENTRY_FIXED);
  return { key: name.toString("latin1"), stage: 0, extended: false, data: raw, start: 0, end: raw.length };
}

/** The stored bytes of an entry. */
export function entryBytes(entry: IndexEntry): Buffer {
  return entry.data.subarray(entry.start, entry.end);
}

/** The latin1 key of a path, comparable with IndexEntry.key. */
export function indexKey(path: string): string {
  return Buffer.from(path, "utf8").toString("latin1");
}

/**
 * Put `entry` in place of the stage-0 entry for its path (or insert it in order), or remove the
 * path when `entry` is null. Refuses (NativeUnsupported) what would need git's conflict rules:
 * unmerged stages, skip-worktree / intent-to-add entries, a file where the index has a directory
 * or the other way round.
 */
export function setEntry(index: GitIndexFile, key: string, entry: IndexEntry | null): void {
  const entries = index.entries;
  const low = lowerBound(entries, key);
  const at = entries[low];
  const exists = at !== undefined && at.key === key;
  if (exists && (at.stage !== 0 || at.extended || entries[low + 1]?.key === key)) throw new NativeUnsupported(`index entry ${key} is unmerged or has extended flags`);
  if (entries[lowerBound(entries, `${key}/`)]?.key.startsWith(`${key}/`)) throw new NativeUnsupported(`index has a directory at ${key}`);
  for (let slash = key.indexOf("/"); slash !== -1; slash = key.indexOf("/", slash + 1)) {
    const parent = key.slice(0, slash);
    if (entries[lowerBound(entries, parent)]?.key === parent) throw new NativeUnsupported(`index has a file at ${key.slice(0, slash)}`);
  }
  if (entry === null) {
    if (exists) entries.splice(low, 1);
  } else if (exists) entries[low] = entry;
  else entries.splice(low, 0, entry);
}

/** The first position whose key is not below `key`. */
function lowerBound(entries: readonly IndexEntry[], key: string): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (entries[mid]!.key < key) low = mid + 1;
    else high = mid;
  }
  return low;
}
