/**
 * Which repository an acting agent works in: the board's own, or the agent file's `workspace:`
 * (relative to the board). A `workspace:` that is not there, not a directory or not the top of a
 * git repository is the agent file's mistake, said as such, before any worktree is made.
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "../errors.js";
import type { AgentDefinition } from "./schema.js";

export function workspaceRepository(agent: AgentDefinition, boardRoot: string): string {
  if (agent.fields.workspace === undefined) return boardRoot;
  const dir = resolve(boardRoot, agent.fields.workspace);
  const refuse = (what: string): never => {
    throw new ConfigError(`${agent.path}: workspace: ${dir} ${what}; set workspace: to a local git repository (relative to the board, or absolute), or remove it to work in the board's own repository`, { file: agent.path, key: "workspace" });
  };
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    return refuse("does not exist");
  }
  if (!isDirectory) return refuse("is not a directory");
  if (!existsSync(join(dir, ".git"))) return refuse("is not the top of a git repository (it has no .git)");
  return dir;
}
