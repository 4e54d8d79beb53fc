/**
 * Errors of the machine, not of the repository: a full disk, a quota, a read-only or failing
 * file system, no file handles or memory. Retrying the same write another way (the
 * isomorphic-git fallback) cannot succeed and, half done, leaves zero-byte objects behind, so
 * these stop the commit at once with a clear error.
 */
import { lstatSync, readdirSync, readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";

const RESOURCE_CODES = new Set(["ENOSPC", "EDQUOT", "EROFS", "EIO", "EMFILE", "ENFILE", "ENOMEM"]);

export function isResourceError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" && RESOURCE_CODES.has(code);
}

export function resourceErrorMessage(error: NodeJS.ErrnoException): string {
  const what = error.code === "ENOSPC" || error.code === "EDQUOT" ? "the disk is full" : `the file system refused the write (${error.code})`;
  return `commit not written: ${what}; nothing was committed and the repository is unchanged. Free space (or fix the file system) and run the command again`;
}

/**
 * After a resource error: remove the loose objects written since `sinceMs` that cannot be
 * read back (empty or truncated; a writer without temp-file-and-rename leaves them). Only
 * unreadable objects go, so nothing a commit refers to is lost; returns how many.
 */
export function removeBrokenLooseObjects(gitdir: string, sinceMs: number): number {
  const objects = join(gitdir, "objects");
  let removed = 0;
  let fanouts: string[];
  try {
    fanouts = readdirSync(objects).filter((name) => /^[0-9a-f]{2}$/.test(name));
  } catch {
    return 0;
  }
  for (const fanout of fanouts) {
    let names: string[];
    try {
      names = readdirSync(join(objects, fanout));
    } catch {
      continue;
    }
    for (const name of names) {
      const file = join(objects, fanout, name);
      try {
        const stat = lstatSync(file);
        if (!stat.isFile() || stat.mtimeMs < sinceMs - 1000) continue;
        if (stat.size === 0) throw new Error("empty object");
        // A complete object inflates to "<type> <size>\0<body>" with exactly that many body bytes.
        const raw = inflateSync(readFileSync(file));
        const nul = raw.indexOf(0);
        if (nul < 0 || raw.length - nul - 1 !== Number(raw.subarray(0, nul).toString("latin1").split(" ")[1])) throw new Error("truncated object");
      } catch {
        try {
          unlinkSync(file);
          removed++;
        } catch {
          // cannot remove it either; fsck will name it
        }
      }
    }
  }
  return removed;
}
