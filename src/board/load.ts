import { lstatSync, mkdirSync, readFileSync } from "node:fs";
import { checkBoardPath } from "./safe-read.js";
import { join } from "node:path";
import type { Bead } from "../bead/fields.js";
import { writeFileAtomic } from "../os/atomic-write.js";
import { listBeadFiles, RACY_MS } from "./bead-files.js";
import type { BoardPaths } from "./paths.js";
import type { BeadFileEntry, Board, BoardProblem } from "./board-types.js";

export type { BeadFileEntry, Board, BoardProblem } from "./board-types.js";

interface CacheEntry extends BeadFileEntry {
  key: string;
}

interface CacheFile {
  version: number;
  entries: Record<string, CacheEntry>;
}

// 3: beads carry their checklist progress (issue 17).
const CACHE_VERSION = 3;
const CACHE_FILE = "beads-cache.json";

/**
 * Load every bead of the board. Parsed beads are cached under .git/beadboard/ keyed by file
 * (mtime, size, inode), so a warm listing stats the files and parses none; the parser (and
 * with it yaml and zod) is only loaded when some file changed.
 */
export async function loadBoard(paths: BoardPaths): Promise<Board> {
  return (await loadBoardStamped(paths)).board;
}

/**
 * loadBoard, also returning the stamp each file's entry was taken under: `mtime:size:inode`,
 * or a stamp that matches nothing for a file saved too recently to trust (RACY_MS). A
 * long-running process checks the files against these later (board/live-board.ts).
 */
/** A board with the stamp of each bead file it was read from (file name → fileStamp, or `special:<ino>`). */
export interface StampedBoard {
  board: Board;
  stamps: Map<string, string>;
}

export async function loadBoardStamped(paths: BoardPaths): Promise<StampedBoard> {
  const startedMs = Date.now();
  const names = listBeadFiles(paths.beadsDir);
  const cache = readCache(paths.stateDir);
  const cached = cache.entries;
  // One slot per listed name (undefined: not a file any more); misses are parsed afterwards.
  const entries: Array<CacheEntry | undefined> = new Array<CacheEntry | undefined>(names.length);
  const misses: Array<{ at: number; key: string; mtimeMs: number }> = [];
  const prefix = `${paths.beadsDir}/`;
  let kept = 0;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    let stat;
    try {
      // lstat: a link (to /dev/zero, to a file outside the repository) is never followed.
      stat = lstatSync(prefix + name, { throwIfNoEntry: false });
    } catch {
      continue; // unreadable: as good as gone
    }
    if (stat === undefined) continue; // deleted while we listed
    if (!stat.isFile()) {
      // A link, FIFO, device or directory named <id>.md: a lint problem, never read.
      const refused = checkBoardPath(prefix + name, `beads/${name}`);
      if (typeof refused === "string") continue;
      entries[i] = { key: `special:${stat.ino}`, problem: { path: refused.file, line: 1, reason: refused.reason, ...(refused.fix ? { fix: refused.fix } : {}) } };
      kept++;
      continue;
    }
    kept++;
    const { mtimeMs } = stat;
    const key = `${mtimeMs}:${stat.size}:${stat.ino}`;
    const hit = cached[name];
    if (hit !== undefined && hit.key === key && usable(hit)) entries[i] = hit;
    else misses.push({ at: i, key: fileStamp(stat, startedMs), mtimeMs });
  }
  if (misses.length > 0) {
    const { readBeadEntry } = await import("./read-bead.js");
    for (const miss of misses) {
      entries[miss.at] = { key: miss.key, ...readBeadEntry(paths.beadsDir, names[miss.at]!, miss.mtimeMs) };
    }
  }
  if (misses.length > 0 || Object.keys(cached).length !== kept) {
    const fresh: Record<string, CacheEntry> = {};
    for (let i = 0; i < names.length; i++) {
      const entry = entries[i];
      if (entry !== undefined) fresh[names[i]!] = entry;
    }
    writeCache(paths.stateDir, { version: CACHE_VERSION, entries: fresh });
  }
  const stamps = new Map<string, string>();
  for (let i = 0; i < names.length; i++) if (entries[i] !== undefined) stamps.set(names[i]!, entries[i]!.key);
  return { board: await withArchivedDeps(assemble(paths, entries)), stamps };
}

/**
 * A board whose beads depend on beads not on it gets those deps from beads/archive/ in `byId`
 * (board/archive-deps.ts; loaded only then, so the common read path stays as it was).
 */
export async function withArchivedDeps(board: Board): Promise<Board> {
  for (const bead of board.beads) {
    for (const dep of bead.fields.deps) {
      if (!board.byId.has(dep)) {
        const { addArchivedDeps } = await import("./archive-deps.js");
        return addArchivedDeps(board);
      }
    }
  }
  return board;
}

/** The stamp of a file's entry (see loadBoardStamped), from its stat data, read at `readAtMs`. */
export function fileStamp(stat: { mtimeMs: number; size: number; ino: number }, readAtMs: number): string {
  const key = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  return stat.mtimeMs > readAtMs - RACY_MS ? `racy:${key}` : key;
}

/** The modification time a stamp was made from (NaN for a special file's). */
export function stampMtimeMs(stamp: string): number {
  return Number(stamp.replace(/^racy:/, "").split(":")[0]);
}

/** The board from per-file entries, in the order given (undefined: no file there any more). */
export function assemble(paths: BoardPaths, entries: ReadonlyArray<BeadFileEntry | undefined>): Board {
  const beads: Bead[] = [];
  const byId = new Map<string, Bead>();
  const problems: BoardProblem[] = [];
  for (const entry of entries) {
    if (!entry) continue;
    if (entry.problem) problems.push(entry.problem);
    else if (entry.bead) {
      beads.push(entry.bead);
      byId.set(entry.bead.id, entry.bead);
    }
  }
  return { paths, beads, byId, problems };
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
