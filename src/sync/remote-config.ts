import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readBoardConfig } from "../board/config.js";
import type { BoardPaths } from "../board/paths.js";
import { commonDir } from "../git/repository.js";

/**
 * Whether the board syncs (a `remote:` in .beadboard.yml, or a git remote `origin` with a URL),
 * answered without loading isomorphic-git, so commands on boards that do not sync stay light.
 */
export async function boardHasRemote(paths: BoardPaths): Promise<boolean> {
  if ((await readBoardConfig(paths.configFile)).remote) return true;
  let text: string;
  try {
    // In a linked worktree the config is in the common directory.
    text = readFileSync(join(commonDir(paths.gitdir), "config"), "utf8");
  } catch {
    return false;
  }
  return /^\s*\[remote\s+"origin"\]\s*$[^[]*^\s*url\s*=\s*\S/im.test(text);
}
