import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";

/**
 * Loose git objects with node:zlib and node:crypto (SHA-1 repositories only): enough to make a
 * commit without isomorphic-git when everything on the changed paths is loose. Anything these
 * functions do not handle throws NativeUnsupported, and the caller falls back to isomorphic-git.
 */
export class NativeUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NativeUnsupported";
  }
}

export type ObjectType = "blob" | "tree" | "commit" | "tag";

export interface GitObject {
  type: ObjectType;
  body: Buffer;
}

const OID = /^[0-9a-f]{40}$/;

function objectPath(gitdir: string, oid: string): string {
  if (!OID.test(oid)) throw new NativeUnsupported(`not a SHA-1 object id: ${oid}`);
  return join(gitdir, "objects", oid.slice(0, 2), oid.slice(2));
}

/** A loose object; NativeUnsupported when it is not loose (packed, in an alternate) or malformed. */
export function readLooseObject(gitdir: string, oid: string): GitObject {
  let raw: Buffer;
  try {
    raw = inflateSync(readFileSync(objectPath(gitdir, oid)));
  } catch (error) {
    if (error instanceof NativeUnsupported) throw error;
    throw new NativeUnsupported(`object ${oid} is not a readable loose object: ${(error as Error).message}`);
  }
  const space = raw.indexOf(0x20);
  const nul = raw.indexOf(0);
  if (space <= 0 || nul < space) throw new NativeUnsupported(`object ${oid}: bad header`);
  const type = raw.toString("latin1", 0, space);
  const length = raw.toString("latin1", space + 1, nul);
  if (type !== "blob" && type !== "tree" && type !== "commit" && type !== "tag") throw new NativeUnsupported(`object ${oid}: unknown type ${type}`);
  if (!/^(0|[1-9][0-9]*)$/.test(length) || Number(length) !== raw.length - nul - 1) throw new NativeUnsupported(`object ${oid}: length mismatch`);
  const body = raw.subarray(nul + 1);
  if (hashObject(type, body) !== oid) throw new NativeUnsupported(`object ${oid}: content does not match its id`);
  return { type, body };
}

export function hashObject(type: ObjectType, body: Uint8Array): string {
  return createHash("sha1").update(`${type} ${body.length}\0`).update(body).digest("hex");
}

/** Write a loose object (temp file + rename, as git does) unless it already exists; returns its id. */
export function writeLooseObject(gitdir: string, type: ObjectType, body: Uint8Array): string {
  const oid = hashObject(type, body);
  const path = objectPath(gitdir, oid);
  if (existsSync(path)) return oid;
  const dir = join(gitdir, "objects", oid.slice(0, 2));
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `tmp_obj_${process.pid}_${Math.random().toString(36).slice(2)}`);
  try {
    writeFileSync(tmp, deflateSync(Buffer.concat([Buffer.from(`${type} ${body.length}\0`, "latin1"), body]), { level: 1 }), { mode: 0o444 });
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // not created
    }
    throw error;
  }
  return oid;
}

export type TreeMode = "40000" | "100644" | "100755" | "120000" | "160000";

export interface TreeItem {
  mode: TreeMode;
  oid: string;
}

/**
 * Where each entry of a tree body lies; entries are checked to be well formed and in git's order.
 * Typed arrays and byte comparisons, no string per entry: a board's beads/ tree has one entry per
 * bead, and a one-bead commit reads and rewrites it.
 */
interface TreeSlots {
  count: number;
  starts: Int32Array;
  nameStarts: Int32Array;
  nameEnds: Int32Array;
  modes: TreeMode[];
}

/** The smallest entry: a 5-byte mode, a space, a 1-byte name, NUL, 20 bytes of id. */
const MIN_TREE_ENTRY = 28;

/** The mode stored in body[start, end), one of the modes git writes. */
function modeAt(body: Buffer, start: number, end: number): TreeMode {
  // Byte tests rather than a string per entry (see TreeSlots): "40000", or "1" + one of the rest.
  const length = end - start;
  if (length === 5 && body[start] === 0x34 && body[start + 1] === 0x30 && body[start + 2] === 0x30 && body[start + 3] === 0x30 && body[start + 4] === 0x30) return "40000";
  if (length === 6 && body[start] === 0x31) {
    const rest = (body[start + 1]! << 24) | (body[start + 2]! << 16) | (body[start + 3]! << 8) | body[start + 4]!;
    const last = body[start + 5];
    if (rest === MODE_00644 && last === 0x34) return "100644";
    if (rest === MODE_00755 && last === 0x35) return "100755";
    if (rest === MODE_20000 && last === 0x30) return "120000";
    if (rest === MODE_60000 && last === 0x30) return "160000";
  }
  throw new NativeUnsupported(`tree entry mode ${body.toString("latin1", start, end)}`);
}

/** Bytes 2-5 of the six-digit modes, read as one big-endian number. */
const MODE_00644 = Buffer.from("0064").readInt32BE(0);
const MODE_00755 = Buffer.from("0075").readInt32BE(0);
const MODE_20000 = Buffer.from("2000").readInt32BE(0);
const MODE_60000 = Buffer.from("6000").readInt32BE(0);

function slotsOf(body: Buffer): TreeSlots {
  const capacity = Math.ceil(body.length / MIN_TREE_ENTRY);
  const slots: TreeSlots = { count: 0, starts: new Int32Array(capacity), nameStarts: new Int32Array(capacity), nameEnds: new Int32Array(capacity), modes: [] };
  const length = body.length;
  let pos = 0;
  while (pos < length) {
    let space = pos;
    while (space < length && space - pos < 7 && body[space] !== 0x20) space++;
    if (body[space] !== 0x20) throw new NativeUnsupported("malformed tree");
    const mode = modeAt(body, pos, space);
    let nul = space + 1;
    while (nul < length && body[nul] !== 0) {
      if (body[nul] === 0x2f) throw new NativeUnsupported("tree entry name with a slash");
      nul++;
    }
    if (nul + 21 > length) throw new NativeUnsupported("malformed tree");
    if (nul === space + 1) throw new NativeUnsupported("empty tree entry name");
    const n = slots.count;
    if (n > 0 && compareNames(body, slots.nameStarts[n - 1]!, slots.nameEnds[n - 1]!, slots.modes[n - 1] === "40000", body, space + 1, nul, mode === "40000") >= 0) {
      throw new NativeUnsupported("tree entries out of order");
    }
    slots.starts[n] = pos;
    slots.nameStarts[n] = space + 1;
    slots.nameEnds[n] = nul;
    slots.modes.push(mode);
    slots.count = n + 1;
    pos = nul + 21;
  }
  return slots;
}

/**
 * a[aStart, aEnd) against b[bStart, bEnd) bytewise, as memcmp then length. A plain loop: names
 * are short, and Buffer#compare with ranges costs more per call than the bytes it compares.
 */
export function compareBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < length; i++) {
    const c = a[aStart + i]! - b[bStart + i]!;
    if (c !== 0) return c;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/** Git's tree order (base_name_compare): bytewise by name, a directory as if its name ended in '/'. */
function compareNames(a: Buffer, aStart: number, aEnd: number, aDir: boolean, b: Buffer, bStart: number, bEnd: number, bDir: boolean): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  const c = compareBytes(a, aStart, aStart + length, b, bStart, bStart + length);
  if (c !== 0) return c;
  const ca = aEnd - aStart > length ? a[aStart + length]! : aDir ? 0x2f : 0;
  const cb = bEnd - bStart > length ? b[bStart + length]! : bDir ? 0x2f : 0;
  return ca - cb;
}

/** Names as keys: the latin1 text of their bytes (so any byte string round-trips). */
export function nameKey(name: string): string {
  return Buffer.from(name, "utf8").toString("latin1");
}

/** Every entry of a tree, keyed by nameKey. */
export function parseTree(body: Buffer): Map<string, TreeItem> {
  const slots = slotsOf(body);
  const items = new Map<string, TreeItem>();
  for (let i = 0; i < slots.count; i++) {
    const nul = slots.nameEnds[i]!;
    items.set(body.toString("latin1", slots.nameStarts[i]!, nul), { mode: slots.modes[i]!, oid: body.toString("hex", nul + 1, nul + 21) });
  }
  return items;
}

export interface Tree {
  /** The tree object's body as stored. */
  body: Buffer;
  /** The entries with these keys (nameKey), where present. */
  lookup(keys: Iterable<string>): Map<string, TreeItem>;
  /**
   * The body with `edits` applied (key: nameKey; value: the new entry, or null to remove it),
   * spliced into the stored bytes: a large tree costs one scan and one copy.
   */
  edit(edits: ReadonlyMap<string, TreeItem | null>): Buffer;
}

export function openTree(body: Buffer): Tree {
  const slots = slotsOf(body);
  /** The slot of the entry named `key`, file or directory, by binary search in git's order. */
  const slotOf = (key: string): number | undefined => {
    const name = Buffer.from(key, "latin1");
    for (const dir of [false, true]) {
      let low = 0;
      let high = slots.count;
      while (low < high) {
        const mid = (low + high) >>> 1;
        const c = compareNames(body, slots.nameStarts[mid]!, slots.nameEnds[mid]!, slots.modes[mid] === "40000", name, 0, name.length, dir);
        if (c === 0) return mid;
        if (c < 0) low = mid + 1;
        else high = mid;
      }
    }
    return undefined;
  };
  const itemAt = (i: number): TreeItem => ({ mode: slots.modes[i]!, oid: body.toString("hex", slots.nameEnds[i]! + 1, slots.nameEnds[i]! + 21) });
  return {
    body,
    lookup(keys) {
      const found = new Map<string, TreeItem>();
      for (const key of keys) {
        const i = slotOf(key);
        if (i !== undefined) found.set(key, itemAt(i));
      }
      return found;
    },
    edit(edits) {
      const ops: Array<{ at: number; order: number; skipTo: number; bytes: Buffer | null }> = [];
      for (const [key, next] of edits) {
        const i = slotOf(key);
        if (i !== undefined) {
          // A file becoming a directory (or back) moves in git's order: remove, then insert below.
          const moves = next !== null && (slots.modes[i] === "40000") !== (next.mode === "40000");
          ops.push({ at: slots.starts[i]!, order: 1, skipTo: slots.nameEnds[i]! + 21, bytes: next && !moves ? entryBytes(key, next) : null });
          if (!moves) continue;
        }
        if (next === null) continue;
        const name = Buffer.from(key, "latin1");
        let low = 0;
        let high = slots.count;
        while (low < high) {
          const mid = (low + high) >>> 1;
          if (compareNames(body, slots.nameStarts[mid]!, slots.nameEnds[mid]!, slots.modes[mid] === "40000", name, 0, name.length, next.mode === "40000") < 0) low = mid + 1;
          else high = mid;
        }
        const at = low < slots.count ? slots.starts[low]! : body.length;
        ops.push({ at, order: 0, skipTo: at, bytes: entryBytes(key, next) });
      }
      ops.sort((x, y) => x.at - y.at || x.order - y.order || (x.bytes && y.bytes ? compareEntryBytes(x.bytes, y.bytes) : 0));
      const chunks: Buffer[] = [];
      let from = 0;
      for (const op of ops) {
        chunks.push(body.subarray(from, op.at));
        if (op.bytes) chunks.push(op.bytes);
        from = op.skipTo;
      }
      chunks.push(body.subarray(from));
      return Buffer.concat(chunks);
    },
  };
}

/** Trees read lately, by gitdir and id (an object never changes, so a hit is always right). */
const recentTrees = new Map<string, Tree>();
const RECENT_TREES = 4;

/**
 * A loose tree object, opened. A claim reads beads/ at HEAD to check the committed claim, then
 * rewrites the same tree for its commit; on a big board each read is an inflate, a hash and a
 * walk of every entry, so the second one comes from here.
 */
export function readLooseTree(gitdir: string, oid: string): Tree {
  const key = `${gitdir}\0${oid}`;
  const cached = recentTrees.get(key);
  if (cached) return cached;
  const object = readLooseObject(gitdir, oid);
  if (object.type !== "tree") throw new NativeUnsupported(`${oid} is a ${object.type}`);
  const tree = openTree(object.body);
  recentTrees.set(key, tree);
  if (recentTrees.size > RECENT_TREES) recentTrees.delete(recentTrees.keys().next().value!);
  return tree;
}

function entryBytes(key: string, item: TreeItem): Buffer {
  const head = Buffer.from(`${item.mode} ${key}\0`, "latin1");
  return Buffer.concat([head, Buffer.from(item.oid, "hex")]);
}

/** Order two new entries inserted at the same place (both are whole serialized entries). */
function compareEntryBytes(a: Buffer, b: Buffer): number {
  const aSpace = a.indexOf(0x20);
  const bSpace = b.indexOf(0x20);
  return compareNames(a, aSpace + 1, a.indexOf(0, aSpace), a[0] === 0x34, b, bSpace + 1, b.indexOf(0, bSpace), b[0] === 0x34);
}

/** The tree a commit object points at. */
export function commitTree(body: Buffer): string {
  const match = /^tree ([0-9a-f]{40})\n/.exec(body.toString("latin1", 0, 46));
  if (!match?.[1]) throw new NativeUnsupported("commit without a tree header");
  return match[1];
}

export interface CommitFields {
  tree: string;
  parents: readonly string[];
  /** `Name <email> <seconds> +0000`, already formatted. */
  author: string;
  committer: string;
  message: string;
}

/** The commit text isomorphic-git's writeCommit produces for the same fields (message normalised likewise). */
export function serializeCommit(fields: CommitFields): Buffer {
  let text = `tree ${fields.tree}\n`;
  for (const parent of fields.parents) text += `parent ${parent}\n`;
  text += `author ${fields.author}\ncommitter ${fields.committer}\n\n${normalizeMessage(fields.message)}`;
  return Buffer.from(text, "utf8");
}

function normalizeMessage(message: string): string {
  return `${message.replace(/\r/g, "").replace(/^\n+/, "").replace(/\n+$/, "")}\n`;
}
