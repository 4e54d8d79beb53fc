import { createHash } from "node:crypto";
import type { BigIntStats } from "node:fs";
import { compareBytes, NativeUnsupported } from "./objects.js";

/**
 * The git index (`.git/index`), versions 2 and 3, read and written without isomorphic-git.
 * The file stays one buffer: parsing only records where each entry lies (a board's index has
 * an entry per bead, and building 10,000 objects and path strings to change one of them was most
 * of a `bead set`'s commit). Changes are kept aside and spliced in on write, so every entry we do
 * not touch is written back exactly as git wrote it (flags, stat data, extended flags). Of the
 * extensions, the cache tree (TREE) is dropped on write (git rebuilds it on its next commit) and
 * the optional end-of-index/offset tables (EOIE, IEOT) are dropped (they only speed up reading);
 * any other extension is refused with NativeUnsupported, and so are other versions and a bad
 * checksum.
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
  /** The file as read; entry i is data[starts[i], starts[i + 1]). */
  data: Buffer;
  count: number;
  starts: Int32Array;
  nameStarts: Int32Array;
  nameEnds: Int32Array;
  /** Some stored entry has extended flags, so the file must stay version 3. */
  hasExtended: boolean;
  /** Signatures of the extensions that were present (all of them droppable). */
  extensions: string[];
  /** Entries set (or removed: null) since reading, by key. */
  changes: Map<string, IndexEntry | null>;
}

const DROPPABLE = new Set(["TREE", "EOIE", "IEOT"]);
const FLAG_EXTENDED = 0x4000;
const ENTRY_FIXED = 62;

export function emptyIndex(): GitIndexFile {
  const none = new Int32Array(1).fill(12);
  return { version: 2, data: Buffer.alloc(12), count: 0, starts: none, nameStarts: new Int32Array(0), nameEnds: new Int32Array(0), hasExtended: false, extensions: [], changes: new Map() };
}

export function parseIndex(data: Buffer): GitIndexFile {
  if (data.length < 32 || data.toString("latin1", 0, 4) !== "DIRC") throw new NativeUnsupported("not a git index");
  const bodyEnd = data.length - 20;
  if (!createHash("sha1").update(data.subarray(0, bodyEnd)).digest().equals(data.subarray(bodyEnd))) throw new NativeUnsupported("index checksum mismatch");
  const version = data.readUInt32BE(4);
  if (version !== 2 && version !== 3) throw new NativeUnsupported(`index version ${version}`);
  const count = data.readUInt32BE(8);
  if (count > bodyEnd / ENTRY_FIXED) throw new NativeUnsupported("index truncated");
  const starts = new Int32Array(count + 1);
  const nameStarts = new Int32Array(count);
  const nameEnds = new Int32Array(count);
  let hasExtended = false;
  let previousStage = 0;
  let pos = 12;
  for (let i = 0; i < count; i++) {
    if (pos + ENTRY_FIXED > bodyEnd) throw new NativeUnsupported("index truncated");
    // Plain byte reads: Buffer's accessors cost more per call than these loops do (see GitIndexFile).
    const flags = (data[pos + 60]! << 8) | data[pos + 61]!;
    const extended = (flags & FLAG_EXTENDED) !== 0;
    if (extended && version !== 3) throw new NativeUnsupported("extended flags in a version 2 index");
    hasExtended ||= extended;
    const nameStart = pos + ENTRY_FIXED + (extended ? 2 : 0);
    const stored = flags & 0xfff; // the name's length, or 0xfff for "this long or longer"
    const nameEnd = stored < 0xfff ? nameStart + stored : data.indexOf(0, nameStart + 0xfff);
    if (nameEnd === -1 || nameEnd >= bodyEnd || nameEnd === nameStart || data[nameEnd] !== 0) throw new NativeUnsupported("bad index entry name");
    const end = pos + ((nameEnd - pos + 8) & ~7);
    if (end > bodyEnd) throw new NativeUnsupported("index truncated");
    for (let p = nameEnd; p < end; p++) if (data[p] !== 0) throw new NativeUnsupported("bad index entry padding");
    const stage = (flags >> 12) & 3;
    if (i > 0) {
      const order = compareBytes(data, nameStarts[i - 1]!, nameEnds[i - 1]!, data, nameStart, nameEnd);
      if (order > 0 || (order === 0 && stage <= previousStage)) throw new NativeUnsupported("index entries out of order");
    }
    starts[i] = pos;
    nameStarts[i] = nameStart;
    nameEnds[i] = nameEnd;
    previousStage = stage;
    pos = end;
  }
  starts[count] = pos;
  const extensions: string[] = [];
  while (pos < bodyEnd) {
    if (pos + 8 > bodyEnd) throw new NativeUnsupported("index extension truncated");
    const signature = data.toString("latin1", pos, pos + 4);
    const size = data.readUInt32BE(pos + 4);
    if (!DROPPABLE.has(signature)) throw new NativeUnsupported(`index extension ${JSON.stringify(signature)}`);
    if (pos + 8 + size > bodyEnd) throw new NativeUnsupported("index extension truncated");
    extensions.push(signature);
    pos += 8 + size;
  }
  return { version, data, count, starts, nameStarts, nameEnds, hasExtended, extensions, changes: new Map() };
}

/** The index as git would write it: version 3 only if an entry needs it, no extensions, SHA-1 trailer. */
export function serializeIndex(index: GitIndexFile): Buffer {
  const { data, starts, count } = index;
  const splices = [...index.changes].map(([key, entry]) => {
    const name = Buffer.from(key, "latin1");
    const at = lowerBound(index, name);
    const replaces = at < count && compareName(index, at, name) === 0;
    return { key, entry, from: starts[at]!, to: replaces ? starts[at + 1]! : starts[at]! };
  });
  splices.sort((a, b) => a.from - b.from || (a.key < b.key ? -1 : 1));
  const chunks: Buffer[] = [Buffer.alloc(12)];
  let entries = count;
  let extended = index.hasExtended;
  let from = 12;
  for (const splice of splices) {
    chunks.push(data.subarray(from, splice.from));
    if (splice.to > splice.from) entries--;
    if (splice.entry) {
      chunks.push(entryBytes(splice.entry));
      entries++;
      extended ||= splice.entry.extended;
    }
    from = splice.to;
  }
  chunks.push(data.subarray(from, starts[count]!));
  const out = Buffer.concat([...chunks, Buffer.alloc(20)]);
  out.write("DIRC", 0, "latin1");
  out.writeUInt32BE(extended ? 3 : 2, 4);
  out.writeUInt32BE(entries, 8);
  const size = out.length - 20;
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

/** Every entry as the index stands now (stored ones with the changes applied), in order. */
export function indexEntries(index: GitIndexFile): IndexEntry[] {
  const entries: IndexEntry[] = [];
  for (let i = 0; i < index.count; i++) {
    const key = index.data.toString("latin1", index.nameStarts[i]!, index.nameEnds[i]!);
    if (index.changes.has(key)) continue;
    const flags = index.data.readUInt16BE(index.starts[i]! + 60);
    entries.push({ key, stage: (flags >> 12) & 3, extended: (flags & FLAG_EXTENDED) !== 0, data: index.data, start: index.starts[i]!, end: index.starts[i + 1]! });
  }
  for (const entry of index.changes.values()) if (entry) entries.push(entry);
  return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.stage - b.stage));
}

/**
 * Put `entry` in place of the stage-0 entry for its path (or insert it in order), or remove the
 * path when `entry` is null. Refuses (NativeUnsupported) what would need git's conflict rules:
 * unmerged stages, skip-worktree / intent-to-add entries, a file where the index has a directory
 * or the other way round.
 */
export function setEntry(index: GitIndexFile, key: string, entry: IndexEntry | null): void {
  const name = Buffer.from(key, "latin1");
  const at = lowerBound(index, name);
  if (at < index.count && compareName(index, at, name) === 0) {
    const flags = index.data.readUInt16BE(index.starts[at]! + 60);
    const unmerged = ((flags >> 12) & 3) !== 0 || (at + 1 < index.count && compareName(index, at + 1, name) === 0);
    if (unmerged || (flags & FLAG_EXTENDED) !== 0) throw new NativeUnsupported(`index entry ${key} is unmerged or has extended flags`);
  }
  if (entry !== null) {
    if (hasEntriesBelow(index, key)) throw new NativeUnsupported(`index has a directory at ${key}`);
    for (let slash = key.indexOf("/"); slash !== -1; slash = key.indexOf("/", slash + 1)) {
      if (hasFile(index, key.slice(0, slash))) throw new NativeUnsupported(`index has a file at ${key.slice(0, slash)}`);
    }
  }
  index.changes.set(key, entry);
}

/** A file at `key` as the index stands now. */
function hasFile(index: GitIndexFile, key: string): boolean {
  const changed = index.changes.get(key);
  if (changed !== undefined) return changed !== null;
  const name = Buffer.from(key, "latin1");
  const at = lowerBound(index, name);
  return at < index.count && compareName(index, at, name) === 0;
}

/** Some entry below `key/` as the index stands now (stored entries removed since do not count). */
function hasEntriesBelow(index: GitIndexFile, key: string): boolean {
  const prefix = `${key}/`;
  for (const [changed, entry] of index.changes) if (entry && changed.startsWith(prefix)) return true;
  const name = Buffer.from(prefix, "latin1");
  for (let i = lowerBound(index, name); i < index.count; i++) {
    const length = index.nameEnds[i]! - index.nameStarts[i]!;
    if (length < name.length || compareBytes(index.data, index.nameStarts[i]!, index.nameStarts[i]! + name.length, name, 0, name.length) !== 0) return false;
    if (index.changes.get(index.data.toString("latin1", index.nameStarts[i]!, index.nameEnds[i]!)) !== null) return true;
  }
  return false;
}

/** Stored entry i's name against `name`, bytewise (git's index order). */
function compareName(index: GitIndexFile, i: number, name: Buffer): number {
  return compareBytes(index.data, index.nameStarts[i]!, index.nameEnds[i]!, name, 0, name.length);
}

/** The first stored entry whose name is not below `name`. */
function lowerBound(index: GitIndexFile, name: Buffer): number {
  let low = 0;
  let high = index.count;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareName(index, mid, name) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
