/**
 * The one way to read a board file (beads, agents, memory, config, templates, AGENTS.md).
 *
 * A board file is committed content anyone can push: a symlink in it may point outside the
 * repository (whose content would then go to a model and be committed back), at /dev/zero
 * (a read that never ends), or be a FIFO (a read that blocks while the board lock is held).
 * So: lstat first and refuse anything but a regular file, open with O_NOFOLLOW|O_NONBLOCK so
 * a swap between lstat and open cannot block or follow a link either, check the opened file
 * again, and never read more than the bound.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from "node:fs";
import { ParseError } from "../errors.js";

/** Beads are notes, not attachments: the same bound as the bead parser's. */
export const MAX_BOARD_FILE_BYTES = 1024 * 1024;

function kindOf(stat: { isSymbolicLink(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (stat.isSymbolicLink()) return "a symbolic link";
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a named pipe (FIFO)";
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  return "not a regular file";
}

/** The ParseError for a path that is not a regular file; `rel` is the board-relative name. */
export function notRegularFileError(rel: string, kind: string): ParseError {
  return new ParseError(rel, 1, `${kind}, not a regular file: board files must be regular files inside the repository`, `replace ${rel} with a regular file (git rm it and commit the content itself)`);
}

/**
 * What a board path is: "missing", "file", or the ParseError that refuses it. Never follows
 * a link, never opens the file.
 */
export function checkBoardPath(full: string, rel: string): "missing" | "file" | ParseError {
  let stat;
  try {
    stat = lstatSync(full, { throwIfNoEntry: false });
  } catch (error) {
    return new ParseError(rel, 1, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? "error"})`, "check its permissions");
  }
  if (stat === undefined) return "missing";
  return stat.isFile() ? "file" : notRegularFileError(rel, kindOf(stat));
}

/**
 * The bytes of board file `full` (named `rel` in errors), at most `maxBytes`. Throws a
 * ParseError naming `rel` for a link, a non-regular file or a file over the bound; the
 * ENOENT error of a missing file passes through (callers decide what absence means).
 */
export function readBoardFileBytes(full: string, rel: string, maxBytes: number = MAX_BOARD_FILE_BYTES): Buffer {
  const checked = checkBoardPath(full, rel);
  if (checked instanceof ParseError) throw checked;
  if (checked === "missing") throw Object.assign(new Error(`ENOENT: no such file, open '${full}'`), { code: "ENOENT", path: full });
  let fd: number;
  try {
    fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw notRegularFileError(rel, "a symbolic link");
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw notRegularFileError(rel, kindOf(stat));
    if (stat.size > maxBytes) throw tooBig(rel, stat.size, maxBytes);
    // Read one byte past the bound: a file that grew since fstat is refused, not truncated.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const got = readSync(fd, buffer, length, buffer.length - length, null);
      if (got === 0) break;
      length += got;
    }
    if (length > maxBytes) throw tooBig(rel, length, maxBytes);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** readBoardFileBytes as UTF-8 text. */
export function readBoardFileText(full: string, rel: string, maxBytes: number = MAX_BOARD_FILE_BYTES): string {
  return readBoardFileBytes(full, rel, maxBytes).toString("utf8");
}

/** readBoardFileText, or `fallback` when the file does not exist. */
export function readBoardFileTextIfPresent(full: string, rel: string, fallback: string, maxBytes: number = MAX_BOARD_FILE_BYTES): string {
  try {
    return readBoardFileText(full, rel, maxBytes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return fallback;
    throw error;
  }
}

function tooBig(rel: string, size: number, maxBytes: number): ParseError {
  const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
  const what = rel.startsWith("beads/") ? "a bead" : "this board file";
  return new ParseError(rel, 1, `file is ${mb(size)} MB; ${what} may be at most ${Number.isInteger(maxBytes / (1024 * 1024)) ? maxBytes / (1024 * 1024) : mb(maxBytes)} MB`, "move large content into a separate file and link to it");
}
