import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Temp files start with a dot and do not end in .md, so board listings and watchers never
 * mistake a half-written file for a bead.
 */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

function writeTemp(path: string, content: string | Uint8Array): string {
  const temp = tempPathFor(path);
  const fd = openSync(temp, "wx", 0o644);
  try {
    writeSync(fd, typeof content === "string" ? Buffer.from(content, "utf8") : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/** Replace `path` with `content` so that readers see either the old or the new file, never half of one. */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const temp = writeTemp(path, content);
  try {
    renameSync(temp, path);
  } catch (error) {
    safeUnlink(temp);
    throw error;
  }
}

/**
 * Create `path` only if nothing is there yet (atomically: link fails on an existing name), so
 * two writers minting the same new file cannot overwrite each other. Returns false if it existed.
 */
export function createFileExclusive(path: string, content: string | Uint8Array): boolean {
  const temp = writeTemp(path, content);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    safeUnlink(temp);
  }
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
