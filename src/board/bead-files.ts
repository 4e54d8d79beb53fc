import { readdirSync } from "node:fs";

/**
 * File systems stamp mtimes from a coarse clock (a few ms on Linux, 1-2 s on some), so a file
 * saved twice within one tick at the same size keeps its (mtime, size, inode) key. Like git's
 * "racily clean" index entries, a file modified this recently when we read it is parsed again
 * next time rather than trusted from the cache.
 */
export const RACY_MS = 2000;

/** Bead files are the `.md` files directly in beads/; dot-files (our temp files, editor swaps) are not. */
export function isBeadFileName(name: string): boolean {
  return name.endsWith(".md") && !name.startsWith(".");
}

export function listBeadFiles(beadsDir: string): string[] {
  try {
    return readdirSync(beadsDir).filter(isBeadFileName).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
