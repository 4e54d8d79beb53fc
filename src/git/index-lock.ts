import { closeSync, renameSync, unlinkSync } from "node:fs";
import * as fsp from "node:fs/promises";
import { join, resolve } from "node:path";
import type { PromiseFsClient } from "isomorphic-git";
import { openExclusive } from "./refs.js";

/**
 * Hold `.git/index.lock` and write the index the way git does: the new index goes into the lock
 * file, which is then renamed over `.git/index`. While we hold the lock no git command can write
 * the index, and a reader that takes no lock (`git status`, `git diff`, an editor's git view)
 * sees the old index or the new one, never half of one.
 *
 * isomorphic-git writes `.git/index` in place (truncate, then write), so a concurrent `git status`
 * could read a short file ("index file smaller than expected"). `work` therefore receives an fs
 * for isomorphic-git calls that write the index (updateIndex, add, remove): that fs sends writes
 * of the index into the lock file and reads it back from there. The rename happens only when
 * `work` succeeds and something was written; otherwise the lock file is removed and the index is
 * as it was.
 */
export async function withIndexLock<T>(gitdir: string, work: (indexFs: PromiseFsClient) => Promise<T>): Promise<T> {
  const indexPath = resolve(join(gitdir, "index"));
  const lockPath = `${indexPath}.lock`;
  closeSync(await openExclusive(lockPath));
  let staged = false;
  let released = false;
  const isIndex = (path: unknown): boolean => typeof path === "string" && resolve(path) === indexPath;
  const at = (path: string): string => (staged && isIndex(path) ? lockPath : path);
  const indexFs: PromiseFsClient = {
    promises: {
      readFile: async (path: string, options?: unknown) => fsp.readFile(at(path), options as Parameters<typeof fsp.readFile>[1]),
      writeFile: async (path: string, data: Uint8Array | string, options?: unknown) => {
        if (!isIndex(path)) return fsp.writeFile(path, data, options as Parameters<typeof fsp.writeFile>[2]);
        await fsp.writeFile(lockPath, data);
        staged = true;
      },
      lstat: async (path: string, options?: unknown) => fsp.lstat(at(path), options as Parameters<typeof fsp.lstat>[1]),
      stat: async (path: string, options?: unknown) => fsp.stat(at(path), options as Parameters<typeof fsp.stat>[1]),
      unlink: async (path: string) => fsp.unlink(path),
      readdir: async (path: string, options?: unknown) => fsp.readdir(path, options as Parameters<typeof fsp.readdir>[1]),
      mkdir: async (path: string, options?: unknown) => fsp.mkdir(path, options as Parameters<typeof fsp.mkdir>[1]),
      rmdir: async (path: string, options?: unknown) => fsp.rmdir(path, options as Parameters<typeof fsp.rmdir>[1]),
      readlink: async (path: string, options?: unknown) => fsp.readlink(path, options as Parameters<typeof fsp.readlink>[1]),
      symlink: async (target: string, path: string, type?: string) => fsp.symlink(target, path, type),
      chmod: async (path: string, mode: number) => fsp.chmod(path, mode),
    },
  };
  try {
    const result = await work(indexFs);
    if (staged) {
      renameSync(lockPath, indexPath);
      released = true;
    }
    return result;
  } finally {
    if (!released) {
      try {
        unlinkSync(lockPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
  }
}
