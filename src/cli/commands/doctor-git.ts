/**
 * `bead doctor` checks of git's own state after a crash (issue 14, item 11): a stale
 * `index.lock` (a SIGKILL mid-commit leaves it; every later git command then fails), and
 * board files whose staged version differs from HEAD (after removing the lock, a person's next
 * `git commit` would silently revert the bead). `--fix` repairs both.
 */
import * as fs from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import type { BoardPaths } from "../../board/paths.js";
import type { Check } from "../../agent/model-check.js";

/** A lock older than this is no commit in progress: ours hold it for milliseconds. */
const STALE_LOCK_MS = 60_000;
const BOARD_DIRS = ["beads/", "agents/", "memory/"];

export async function gitStateChecks(paths: BoardPaths, fix: boolean, now = Date.now()): Promise<Check[]> {
  const checks: Check[] = [];
  const lock = join(paths.gitdir, "index.lock");
  const stat = fs.statSync(lock, { throwIfNoEntry: false });
  if (stat === undefined) checks.push({ name: "index.lock", ok: true, detail: "none" });
  else if (now - stat.mtimeMs < STALE_LOCK_MS) checks.push({ name: "index.lock", ok: true, detail: "present and recent: a git command is running" });
  else if (fix) {
    fs.unlinkSync(lock);
    checks.push({ name: "index.lock", ok: true, detail: `removed a stale lock (${Math.round((now - stat.mtimeMs) / 1000)} s old)` });
  } else {
    checks.push({ name: "index.lock", ok: false, detail: `stale (${Math.round((now - stat.mtimeMs) / 1000)} s old; left by a killed git or bead); run \`bead doctor --fix\`` });
  }
  if (fs.existsSync(lock)) return checks; // the index cannot be read safely while locked
  const matrix = await git.statusMatrix({ fs, dir: paths.root, gitdir: paths.gitdir, filter: (path) => BOARD_DIRS.some((dir) => path.startsWith(dir)) });
  // [path, head, workdir, stage]: a staged version that is neither HEAD's nor the file's is what a crash leaves.
  const stale = matrix.filter(([, head, workdir, stage]) => stage !== head && !(stage === 2 && workdir === 2) && !(stage === 3 && workdir === 2)).map(([path]) => path);
  if (stale.length === 0) checks.push({ name: "index", ok: true, detail: "board files staged as in HEAD or as on disk" });
  else if (fix) {
    for (const path of stale) await git.resetIndex({ fs, dir: paths.root, gitdir: paths.gitdir, filepath: path });
    checks.push({ name: "index", ok: true, detail: `reset the staged version of ${stale.join(", ")} to HEAD` });
  } else {
    checks.push({ name: "index", ok: false, detail: `${stale.join(", ")}: staged differently from HEAD and from the file, so the next git commit would change it; run \`bead doctor --fix\`` });
  }
  return checks;
}
