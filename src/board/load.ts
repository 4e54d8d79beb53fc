import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Bead } from "../bead/fields.js";
import { writeFileAtomic } from "./atomic-write.js";
import type { BoardPaths } from "./paths.js";

/** A file the board cannot use, reported by `bead lint` and skipped by everything else. */
export interface BoardProblem {
  path: string;
  line: number;
  reason: string;
  fix?: string;
}

export interface Board {
  paths: BoardPaths;
  beads: Bead[];
  byId: Map<string, Bead>;
  /** Problems of single files (bad YAML, bad fields, bad names). Board-wide checks live in lint. */
  problems: BoardProblem[];
}

interface CacheEntry {
  key: string;
  bead?: Bead;
  problem?: BoardProblem;
}

interface CacheFile {
  version: number;
  entries: Record<string, CacheEntry>;
}

const CACHE_VERSION = 2;
const CACHE_FILE = "beads-cache.json";
/**
 * File systems stamp mtimes from a coarse clock (a few ms on Linux, 1-2 s on some), so a file
 * saved twice within one tick at the same size keeps its (mtime, size, inode) key. Like git's
 * "racily clean" index entries, a file modified this recently when we read it is parsed again
 * next time rather than trusted from the cache.
 */
const RACY_MS = 2000;

/**
 * Load every bead of the board. Parsed beads are cached under .git/beadboard/ keyed by file
 * (mtime, size, inode), so a warm listing stats the files and parses none; the parser (and
 * with it yaml and zod) is only loaded when some file changed.
 */
export async function loadBoard(paths: BoardPaths): Promise<Board> {
  const startedMs = Date.now();
  const names = listBeadFiles(paths.beadsDir);
  const cache = readCache(paths.stateDir);
  const fresh: Record<string, CacheEntry> = {};
  const misses: Array<{ name: string; key: string; mtimeMs: number }> = [];
  for (const name of names) {
    let stat;
    try {
      stat = statSync(join(paths.beadsDir, name));
    } catch {
      continue; // deleted while we listed
    }
    if (!stat.isFile()) continue;
    const key = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    const cached = cache.entries[name];
    if (cached && cached.key === key && usable(cached)) fresh[name] = cached;
    else misses.push({ name, key: stat.mtimeMs > startedMs - RACY_MS ? `racy:${key}` : key, mtimeMs: stat.mtimeMs });
  }
  if (misses.length > 0) {
    const { readBeadEntry } = await import("./read-bead.js");
    for (const miss of misses) {
      fresh[miss.name] = { key: miss.key, ...readBeadEntry(paths.beadsDir, miss.name, miss.mtimeMs) };
    }
  }
  if (misses.length > 0 || Object.keys(cache.entries).length !== Object.keys(fresh).length) {
    writeCache(paths.stateDir, { version: CACHE_VERSION, entries: fresh });
  }
  return assemble(paths, names, fresh);
}

function assemble(paths: BoardPaths, names: string[], entries: Record<string, CacheEntry>): Board {
  const beads: Bead[] = [];
  const byId = new Map<string, Bead>();
  const problems: BoardProblem[] = [];
  for (const name of names) {
    const entry = entries[name];
    if (!entry) continue;
    if (entry.problem) problems.push(entry.problem);
    else if (entry.bead) {
      beads.push(entry.bead);
      byId.set(entry.bead.id, entry.bead);
    }
  }
  return { paths, beads, byId, problems };
}

/** Bead files are the `.md` files directly in beads/; dot-files (our temp files, editor swaps) are not. */
export function listBeadFiles(beadsDir: string): string[] {
  try {
    return readdirSync(beadsDir)
      .filter((name) => name.endsWith(".md") && !name.startsWith("."))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** A cache entry as we write them; anything else (a hand-edited or truncated cache) is a miss. */
function usable(entry: CacheEntry): boolean {
  if (entry.problem) return typeof entry.problem.path === "string" && typeof entry.problem.reason === "string";
  const bead = entry.bead;
  return typeof bead === "object" && bead !== null && typeof bead.id === "string" && typeof bead.fields === "object" && bead.fields !== null;
}

function readCache(stateDir: string): CacheFile {
  try {
    const parsed = JSON.parse(readFileSync(join(stateDir, CACHE_FILE), "utf8")) as CacheFile;
    const entries: unknown = parsed?.entries;
    if (parsed.version === CACHE_VERSION && typeof entries === "object" && entries !== null && !Array.isArray(entries)) return parsed;
  } catch {
    // missing or corrupt: rebuild
  }
  return { version: CACHE_VERSION, entries: {} };
}

function writeCache(stateDir: string, cache: CacheFile): void {
  try {
    mkdirSync(stateDir, { recursive: true });
    writeFileAtomic(join(stateDir, CACHE_FILE), JSON.stringify(cache));
  } catch {
    // A read-only board still lists; it just stays cold.
  }
}
