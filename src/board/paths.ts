import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { NotABoardError } from "../errors.js";
import { assertSupportedRepository } from "../git/repository.js";

/** Where everything of one board lives. Local state sits under the git dir so it can never be pushed. */
export interface BoardPaths {
  root: string;
  gitdir: string;
  beadsDir: string;
  agentsDir: string;
  memoryDir: string;
  stateDir: string;
  configFile: string;
}

/** The enclosing git work tree of `start` (like git, walking up), as a board. */
export function findBoard(start: string): BoardPaths {
  let dir = resolve(start);
  for (;;) {
    const dotgit = join(dir, ".git");
    if (existsSync(dotgit)) {
      const gitdir = resolveGitdir(dir, dotgit);
      assertSupportedRepository(gitdir);
      return boardPaths(dir, gitdir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new NotABoardError(resolve(start));
    dir = parent;
  }
}

export function boardPaths(root: string, gitdir = join(root, ".git")): BoardPaths {
  return {
    root,
    gitdir,
    beadsDir: join(root, "beads"),
    agentsDir: join(root, "agents"),
    memoryDir: join(root, "memory"),
    stateDir: join(gitdir, "beadboard"),
    configFile: join(root, ".beadboard.yml"),
  };
}

/** `.git` is a directory, or (worktrees, submodules) a file saying `gitdir: <path>`. */
function resolveGitdir(root: string, dotgit: string): string {
  if (statSync(dotgit).isDirectory()) return dotgit;
  const match = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotgit, "utf8"));
  if (!match?.[1]) throw new NotABoardError(root);
  const target = match[1].trim();
  return isAbsolute(target) ? target : resolve(root, target);
}

export function beadPath(id: string): string {
  return `beads/${id}.md`;
}
