import * as fs from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import { loadAgents } from "../../agent/load.js";
import type { AgentDefinition } from "../../agent/schema.js";
import { boardProblems } from "../../board/lint.js";
import { loadBoard } from "../../board/load.js";
import type { BoardPaths } from "../../board/paths.js";
import { isBeadboardError } from "../../errors.js";
import { checkRemote, optionalRemote } from "../../sync/remote.js";
import { EXIT } from "../exit-codes.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";
import { readBoardConfig } from "../../board/config.js";
import { localityOf } from "./agent.js";
import { gitStateChecks } from "./doctor-git.js";
import { stalledBeads } from "../../agent/stalls.js";
import { listPendingWriteBacks } from "../../agent/kept-result.js";
import { takesOf, type LocalityPins } from "../../agent/select.js";
import { installedBin } from "../install-path.js";
import { embeddedLoadCheck, embeddedModelCheck, engineCheck } from "./doctor-embedded.js";
import { lastChecks, summarizeCheck } from "../../model/check-log.js";
import { serverProfileChecks } from "./doctor-servers.js";
import { agentChecks, type Check } from "../../agent/model-check.js";
import { commonDir } from "../../git/repository.js";

// Kept exported from here for the callers that import them from `bead doctor`.
export { agentChecks, type Check };

/** `bead doctor`: is this board healthy, and can its agents reach their models? Exit 1 on any problem. */
export async function doctor(io: CliIo, options: GlobalOptions & { fix?: boolean; load?: boolean }): Promise<number> {
  const paths = boardFor(io, options);
  const checks: Check[] = [...(await boardChecks(paths)), ...(await gitStateChecks(paths, options.fix === true)), ...(await hookChecks(paths)), ...(await remoteChecks(paths, io.env)), await mcpCheck(paths, io.env)];
  const loaded = loadAgents(paths);
  for (const problem of loaded.problems) checks.push({ name: `agent file ${problem.file}`, ok: false, detail: problem.message });
  const pins = await readBoardConfig(paths.configFile).then((config) => config.localityPins).catch(() => undefined);
  const engine = loaded.agents.some((agent) => agent.fields.provider === "embedded") ? await engineCheck() : undefined;
  if (engine) checks.push(engine.check);
  const modelChecks = lastChecks(paths.stateDir);
  for (const agent of loaded.agents) {
    if (agent.fields.provider !== "embedded") checks.push(...(await agentChecks(agent, io.env)));
    else checks.push(options.load ? await embeddedLoadCheck(agent, paths.root, io.env, engine?.llama) : await embeddedModelCheck(agent, paths.root, io.env, engine?.llama));
    const checked = modelChecks.get(agent.name);
    if (checked) checks.push({ name: `agent ${agent.name} last models check`, ok: checked.ready, detail: summarizeCheck(checked) });
    const where = localityOf(agent, io.env, pins);
    checks.push({ name: `agent ${agent.name} locality`, ok: true, detail: `${where.locality}: ${where.locality_why}` });
  }
  checks.push(...serverProfileChecks(await readBoardConfig(paths.configFile).then((config) => config.servers).catch(() => undefined), loaded.agents, io.env));
  checks.push(await stallCheck(paths, loaded.agents, io.env, pins, (await readBoardConfig(paths.configFile).catch(() => undefined))?.policy.approve ?? []));
  checks.push(keptResultCheck(paths));
  if (options.json) io.out(json(checks));
  else for (const check of checks) io.out(`${check.ok ? "ok  " : "FAIL"}  ${check.name}: ${check.detail}\n`);
  return checks.every((check) => check.ok) ? EXIT.ok : EXIT.failure;
}

async function boardChecks(paths: BoardPaths): Promise<Check[]> {
  const board = await loadBoard(paths);
  const problems = [...board.problems, ...boardProblems(board.beads, () => 1)];
  return [
    {
      name: "board",
      ok: problems.length === 0,
      detail: problems.length === 0 ? `${board.beads.length} beads, all valid` : `${problems.length} problem(s) in bead files; run \`bead lint\``,
    },
  ];
}

/** `bead mcp` starts and lists its tools, as a coding agent's client would see it (a bundle of its own, loaded only here). */
async function mcpCheck(paths: BoardPaths, env: NodeJS.ProcessEnv): Promise<Check> {
  const { checkMcpServer } = await import("../mcp-server.js");
  return { name: "bead mcp", ...(await checkMcpServer(installedBin(), paths.root, env)) };
}

async function hookChecks(paths: BoardPaths): Promise<Check[]> {
  const hooksPath = await git.getConfig({ fs, dir: paths.root, gitdir: commonDir(paths.gitdir), path: "core.hooksPath" }).catch(() => undefined);
  const hook = join(paths.root, ".githooks", "pre-commit");
  let executable = false;
  try {
    executable = (fs.statSync(hook).mode & 0o111) !== 0;
  } catch {
    executable = false;
  }
  const ok = hooksPath === ".githooks" && executable;
  return [{ name: "pre-commit hook", ok, detail: ok ? "bead lint runs before every commit" : "not installed; run `bead init` to install .githooks/pre-commit" }];
}

async function remoteChecks(paths: BoardPaths, env: NodeJS.ProcessEnv): Promise<Check[]> {
  try {
    const remote = await optionalRemote(paths, env);
    if (!remote) return [{ name: "remote", ok: true, detail: "none (this board does not sync)" }];
    const check = await checkRemote(remote);
    const token = env[remote.tokenEnv] ? `token from ${remote.tokenEnv}` : `no ${remote.tokenEnv} set (using the git credential helper, if any)`;
    return [{ name: "remote", ok: true, detail: `${check.url} answers, branch ${remote.branch} ${check.tip ? `at ${check.tip.slice(0, 8)}` : "not created yet"}; ${token}` }];
  } catch (error) {
    return [{ name: "remote", ok: false, detail: isBeadboardError(error) ? error.message : String(error) }];
  }
}

/** The beads no agent of this board can take, and why (issue 14, item 17). */
async function stallCheck(paths: BoardPaths, agents: readonly AgentDefinition[], env: NodeJS.ProcessEnv, pins: LocalityPins | undefined, approve: readonly string[]): Promise<Check> {
  const workers = agents.filter((agent) => agent.fields.role !== "router").map((agent) => takesOf(agent, localityOf(agent, env, pins).locality));
  // A board without agents is worked by hand: nothing is stalled.
  if (workers.length === 0) return { name: "beads nobody can take", ok: true, detail: "no agents on this board (beads are worked by hand)" };
  const board = await loadBoard(paths);
  const stalls = stalledBeads(workers, board.beads, board.byId, Date.now(), approve);
  return {
    name: "beads nobody can take",
    // Informational: a router agent, or a person's assignment, may still pick these up.
    ok: true,
    detail: stalls.length === 0 ? "none: every ready bead has an agent that may take it" : stalls.map((stall) => `${stall.id}: ${stall.why}`).join("; "),
  };
}

/** Results kept because their bead could not be written (issue 14, item 10): each waits for a person. */
function keptResultCheck(paths: BoardPaths): Check {
  const pending = listPendingWriteBacks(paths.stateDir);
  if (pending.length === 0) return { name: "kept results", ok: true, detail: "none waiting to be written back" };
  const each = pending.map((p) => `${p.id} (${p.agent}): kept in ${p.kept}`).join("; ");
  return { name: "kept results", ok: false, detail: `${each}; make the bead file readable (bead lint) on the board's branch, then bead up writes each back` };
}
