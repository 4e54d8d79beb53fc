import { compareBytes, NativeUnsupported, readLooseObject } from "./objects.js";

/**
 * Git tree objects, read and edited as bytes: entries are located (typed arrays, byte
 * comparisons) and edits spliced into the stored body, so a tree with 10,000 entries costs one
 * scan and one copy, not an object and a string per entry.
 */
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

/**
 * Trees read or written lately, by gitdir and id (an object never changes, so a hit is always
 * right): opened, or as the bytes just written, opened when first read.
 */
const recentTrees = new Map<string, Tree | Buffer>();
const RECENT_TREES = 4;

/**
 * A loose tree object, opened. A claim reads beads/ at HEAD to check the committed claim, then
 * rewrites the same tree for its commit, and the next claim or write-back reads the tree that
 * commit wrote; on a big board each read is a file read, an inflate, a hash and a walk of every
 * entry, so all but the walk of a tree written here come from memory.
 */
export function readLooseTree(gitdir: string, oid: string): Tree {
  const key = `${gitdir}\0${oid}`;
  const cached = recentTrees.get(key);
  if (cached && !Buffer.isBuffer(cached)) return cached;
  let body = cached;
  if (!body) {
    const object = readLooseObject(gitdir, oid);
    if (object.type !== "tree") throw new NativeUnsupported(`${oid} is a ${object.type}`);
    body = object.body;
  }
  const tree = openTree(body);
  remember(key, tree);
  return tree;
}

/** A tree this process has just written as loose object `oid`, for the next readLooseTree. */
export function rememberTree(gitdir: string, oid: string, body: Buffer): void {
  remember(`${gitdir}\0${oid}`, body);
}

function remember(key: string, value: Tree | Buffer): void {
  recentTrees.delete(key);
  recentTrees.set(key, value);
  if (recentTrees.size > RECENT_TREES) recentTrees.delete(recentTrees.keys().next().value!);
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

