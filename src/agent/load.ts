import { readdirSync } from "node:fs";
import { readBoardFileBytes } from "../board/safe-read.js";
import { join } from "node:path";
import { decodeBeadBytes } from "../bead/parse.js";
import type { BoardPaths } from "../board/paths.js";
import { NotFoundError, ParseError } from "../errors.js";
import { parseAgent } from "./parse.js";
import type { AgentDefinition } from "./schema.js";

export interface LoadedAgents {
  agents: AgentDefinition[];
  problems: ParseError[];
}

/** Every agents/<name>.md of the board; invalid files are reported, never fatal to the others. */
export function loadAgents(paths: BoardPaths): LoadedAgents {
  let names: string[];
  try {
    names = readdirSync(paths.agentsDir)
      .filter((name) => name.endsWith(".md") && !name.startsWith("."))
      .sort();
  } catch {
    return { agents: [], problems: [] };
  }
  const agents: AgentDefinition[] = [];
  const problems: ParseError[] = [];
  for (const name of names) {
    const path = `agents/${name}`;
    try {
      agents.push({ ...parseAgent(decodeBeadBytes(readBoardFileBytes(join(paths.agentsDir, name), path), path), path), boardRoot: paths.root });
    } catch (error) {
      if (error instanceof ParseError) problems.push(error);
      else if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return { agents, problems };
}

export function findAgent(loaded: LoadedAgents, name: string): AgentDefinition {
  const agent = loaded.agents.find((candidate) => candidate.name === name);
  if (agent) return agent;
  const problem = loaded.problems.find((error) => error.file === `agents/${name}.md`);
  if (problem) throw problem;
  throw new NotFoundError("agent", name, `no file agents/${name}.md`);
}
