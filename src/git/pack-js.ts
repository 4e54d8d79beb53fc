/**
 * Packing without the git CLI (issue 13, item 9): isomorphic-git's packObjects writes the loose
 * objects into packs, indexPack writes each pack's .idx, and only then are the loose copies
 * removed. Used by ./pack.ts only where `git` is not on PATH.
 *
 * Crash safety, as git does it: a pack and its index are built in a temp directory under
 * objects/pack (neither git nor isomorphic-git looks into subdirectories), moved in pack first,
 * index last (a pack counts only once its .idx is there), and a loose object is deleted only
 * after the index that lists it is in place. A crash at any point leaves every object readable;
 * at worst a leftover temp directory (removed on the next run) or an object both loose and
 * packed. isomorphic-git does not compute deltas, so the packs save the per-file overhead of
 * loose objects, not the size of similar trees; the git CLI's repack does both.
 */
import * as fs from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";

export interface JsPackOptions {
  signal?: AbortSignal;
  /** Loose bytes (compressed, as on disk) per pack: packObjects holds a whole pack in memory. */
  chunkBytes?: number;
  /** Objects per pack. */
  chunkObjects?: number;
}

export interface JsPackResult {
  packs: number;
  packed: number;
}

const DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024;
const DEFAULT_CHUNK_OBJECTS = 5_000;
const TEMP_PREFIX = ".beadboard-pack-";

interface Loose {
  oid: string;
  path: string;
  bytes: number;
}

/** Regular files named like loose objects; a symlink or anything else under objects/ is left alone. */
export function listLooseObjects(gitdir: string): Loose[] {
  const objects = join(gitdir, "objects");
  const found: Loose[] = [];
  let dirs: string[];
  try {
    dirs = fs.readdirSync(objects);
  } catch {
    return found;
  }
  for (const dir of dirs.filter((name) => /^[0-9a-f]{2}$/.test(name)).sort()) {
    let names: string[];
    try {
      names = fs.readdirSync(join(objects, dir));
    } catch {
      continue; // removed meanwhile
    }
    for (const name of names.filter((entry) => /^[0-9a-f]{38}$/.test(entry)).sort()) {
      const path = join(objects, dir, name);
      try {
        const stat = fs.lstatSync(path);
        if (stat.isFile()) found.push({ oid: dir + name, path, bytes: stat.size });
      } catch {
        // removed meanwhile
      }
    }
  }
  return found;
}

/** Chunks of loose objects, each within the byte and count bounds (an object bigger than the byte bound goes alone). */
export function chunkLoose(loose: readonly Loose[], chunkBytes: number, chunkObjects: number): Loose[][] {
  const chunks: Loose[][] = [];
  let current: Loose[] = [];
  let bytes = 0;
  for (const object of loose) {
    if (current.length > 0 && (bytes + object.bytes > chunkBytes || current.length >= chunkObjects)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(object);
    bytes += object.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export async function packWithIsomorphicGit(gitdir: string, options: JsPackOptions = {}): Promise<JsPackResult> {
  const packDir = join(gitdir, "objects", "pack");
  fs.mkdirSync(packDir, { recursive: true });
  removeLeftoverTemps(packDir);
  const chunks = chunkLoose(listLooseObjects(gitdir), options.chunkBytes ?? DEFAULT_CHUNK_BYTES, options.chunkObjects ?? DEFAULT_CHUNK_OBJECTS);
  const result: JsPackResult = { packs: 0, packed: 0 };
  for (const chunk of chunks) {
    if (options.signal?.aborted) break;
    await packChunk(gitdir, packDir, chunk);
    result.packs++;
    result.packed += chunk.length;
  }
  return result;
}

async function packChunk(gitdir: string, packDir: string, chunk: readonly Loose[]): Promise<void> {
  const cache = {};
  const { filename, packfile } = await git.packObjects({ fs, gitdir, oids: chunk.map((object) => object.oid), cache });
  if (!packfile) throw new Error(`isomorphic-git packObjects returned no pack for ${filename}`);
  const temp = fs.mkdtempSync(join(packDir, TEMP_PREFIX));
  try {
    writeDurably(join(temp, filename), packfile);
    const { oids } = await git.indexPack({ fs, dir: temp, gitdir, filepath: filename, cache });
    const indexed = new Set(oids);
    const missing = chunk.filter((object) => !indexed.has(object.oid));
    if (missing.length > 0) throw new Error(`the new pack ${filename} lacks ${missing.length} of its objects (e.g. ${missing[0]?.oid}); loose objects kept`);
    const idx = filename.replace(/\.pack$/, ".idx");
    fsyncFile(join(temp, idx));
    // Pack first, index last: the pack is used only once its index is in place.
    fs.renameSync(join(temp, filename), join(packDir, filename));
    fs.renameSync(join(temp, idx), join(packDir, idx));
    fsyncDir(packDir);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  for (const object of chunk) {
    try {
      fs.unlinkSync(object.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}

function removeLeftoverTemps(packDir: string): void {
  for (const name of fs.readdirSync(packDir)) {
    if (name.startsWith(TEMP_PREFIX)) fs.rmSync(join(packDir, name), { recursive: true, force: true });
  }
}

function writeDurably(path: string, bytes: Uint8Array): void {
  const fd = fs.openSync(path, "wx");
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncFile(path: string): void {
  const fd = fs.openSync(path, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDir(path: string): void {
  try {
    fsyncFile(path);
  } catch {
    // some filesystems refuse fsync on a directory; the renames are still ordered
  }
}
