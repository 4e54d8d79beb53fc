/**
 * Bounded file access for the tools: lstat before reading, regular files only (checked again once opened), never more than
 * a cap read into memory, and atomic writes (temp file + rename in the same directory), so a
 * crash or abort never leaves a half-written file in the workspace.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ToolRefusedError } from "../../errors.js";

export interface BoundedRead {
  bytes: Buffer;
  /** Size of the whole file; more than bytes.length when the read was cut at the cap. */
  size: number;
}

/** Reads at most `cap` bytes of a regular file; refuses anything else with a readable reason. */
export async function readRegularFile(tool: string, path: string, shownPath: string, cap: number): Promise<BoundedRead> {
  const stat = await lstatOrUndefined(path);
  if (!stat) throw new ToolRefusedError(tool, `${shownPath} does not exist. Use list_files to see what is there.`, { path: shownPath });
  if (!stat.isFile()) throw new ToolRefusedError(tool, `${shownPath} is not a regular file (${kindOf(stat)}); only regular files can be read.`, { path: shownPath });
  // O_NOFOLLOW|O_NONBLOCK and a second check on the opened file: a swap to a symlink or a FIFO
  // between lstat and open can neither be followed nor block the read.
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw new ToolRefusedError(tool, `${shownPath} is not a regular file (${kindOf(opened)}); only regular files can be read.`, { path: shownPath });
    const length = Math.min(opened.size, cap);
    const bytes = Buffer.alloc(length);
    let offset = 0;
    while (offset < length) {
      const { bytesRead } = await handle.read(bytes, offset, length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return { bytes: bytes.subarray(0, offset), size: opened.size };
  } finally {
    await handle.close();
  }
}

export async function lstatOrUndefined(path: string): Promise<import("node:fs").Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}

export function kindOf(stat: import("node:fs").Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isSymbolicLink()) return "a symlink";
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  return "not a regular file";
}

/** Writes `content` to `path` through a temp file in the same directory and a rename. */
export async function writeAtomically(path: string, content: string | Buffer, mode?: number): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temp, content, { flag: "wx", ...(mode === undefined ? {} : { mode }) });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A file that holds a NUL byte in its first 8 KB is treated as binary (git's own heuristic). */
export function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8192).includes(0);
}
