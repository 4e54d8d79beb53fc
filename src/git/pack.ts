/**
 * Keep .git bounded on a board that runs for months: every agent commit writes loose objects
 * (a ~270 KB tree at 10,000 beads), and nothing else packs them. When there are many, `git repack
 * -d` puts them in a pack and removes the loose copies. Never races a person's git: it does not
 * run while git holds index.lock or a gc is under way (gc.pid), and repack itself never deletes
 * an object that is not already in a pack. Without the git CLI, isomorphic-git packs them
 * (./pack-js.ts: fewer files, no deltas).
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { packWithIsomorphicGit } from "./pack-js.js";

export interface PackOptions {
  /** Pack once there are at least this many loose objects (default 2000). */
  threshold?: number;
  signal?: AbortSignal;
  /** The git CLI to run (default "git" on PATH); when it is not there, isomorphic-git packs. */
  gitBinary?: string;
}

export type PackOutcome =
  | { action: "packed"; looseBefore: number; looseAfter: number; by: "git" | "isomorphic-git" }
  | { action: "skipped"; reason: string; loose: number };

const DEFAULT_THRESHOLD = 2000;

/** Loose objects: files in .git/objects/<2 hex>/. */
export function countLooseObjects(gitdir: string): number {
  let count = 0;
  let dirs: string[];
  try {
    dirs = readdirSync(join(gitdir, "objects"));
  } catch {
    return 0;
  }
  for (const dir of dirs) {
    if (!/^[0-9a-f]{2}$/.test(dir)) continue;
    try {
      count += readdirSync(join(gitdir, "objects", dir)).filter((name) => /^[0-9a-f]{38}$/.test(name)).length;
    } catch {
      // removed meanwhile (a repack elsewhere)
    }
  }
  return count;
}

export async function packLooseObjects(root: string, gitdir: string, options: PackOptions = {}): Promise<PackOutcome> {
  const loose = countLooseObjects(gitdir);
  if (loose < (options.threshold ?? DEFAULT_THRESHOLD)) return { action: "skipped", reason: "few loose objects", loose };
  if (existsSync(join(gitdir, "index.lock"))) return { action: "skipped", reason: "a git command holds index.lock", loose };
  if (existsSync(join(gitdir, "gc.pid"))) return { action: "skipped", reason: "git gc is running (gc.pid)", loose };
  const ran = await new Promise<{ ok: boolean; noGit: boolean; message: string }>((resolve) => {
    execFile(options.gitBinary ?? "git", ["-C", root, "repack", "-d", "-q"], { timeout: 10 * 60_000, ...(options.signal ? { signal: options.signal } : {}) }, (error, _stdout, stderr) => {
      const noGit = (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
      resolve({ ok: !error, noGit, message: error ? String(stderr || error.message).trim() : "" });
    });
  });
  if (ran.noGit) return packWithoutGit(gitdir, loose, options.signal);
  if (!ran.ok) return { action: "skipped", reason: `git repack: ${ran.message}`, loose };
  return { action: "packed", looseBefore: loose, looseAfter: countLooseObjects(gitdir), by: "git" };
}

async function packWithoutGit(gitdir: string, loose: number, signal: AbortSignal | undefined): Promise<PackOutcome> {
  try {
    await packWithIsomorphicGit(gitdir, signal ? { signal } : {});
  } catch (error) {
    return { action: "skipped", reason: `no git CLI on PATH, and packing with isomorphic-git failed: ${error instanceof Error ? error.message : String(error)}`, loose };
  }
  return { action: "packed", looseBefore: loose, looseAfter: countLooseObjects(gitdir), by: "isomorphic-git" };
}
