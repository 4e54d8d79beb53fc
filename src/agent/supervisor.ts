import { mkdirSync } from "node:fs";
import { currentBranchRef } from "../git/refs.js";
import { stalledBeads } from "./stalls.js";
import { loadBoard } from "../board/load.js";
import type { AgentTakes } from "../policy/router.js";
import { webhookSecretFromEnv } from "../sync/webhook.js";
import { hostname } from "node:os";
import { join } from "node:path";
import PQueue from "p-queue";
import lockfile from "proper-lockfile";
import { readBoardConfig, type BoardConfig } from "../board/config.js";
import type { BoardPaths } from "../board/paths.js";
import { writeContext, type WriteContext } from "../board/write.js";
import { agentIdentity } from "../git/author.js";
import { BeadboardError, NotFoundError } from "../errors.js";
import { providerFor } from "./provider-for.js";
import type { GatePolicy } from "../policy/gate.js";
import { localClaimer, remoteClaimer, type Claimer } from "./claimer.js";
import { startBackground, syncer, type BackgroundOptions } from "./background.js";
import { optionalRemote } from "../sync/remote.js";
import { loadAgents } from "./load.js";
import { MetricsLog } from "./metrics.js";
import { buildRegistry } from "./registry.js";
import { LiveBoard } from "../board/live-board.js";
import { BoardRouter } from "./route.js";
import { AgentRuntime, sweepExpired } from "./runtime.js";
import { currentHolder, forgetHolder, recordHolder, removeIfHolderDead } from "../os/lock-holder.js";
import { describeHolder } from "../os/process-identity.js";
import { agentLocality, takesOf } from "./select.js";

export interface SuperviseOptions {
  paths: BoardPaths;
  env: NodeJS.ProcessEnv;
  /** Only these agents (default: every agent of the board). */
  agents?: string[];
  once: boolean;
  localOnly?: boolean;
  log: (line: string) => void;
  /**
   * The process's one stop (SIGINT/SIGTERM in the CLI): aborting it stops claiming, aborts model
   * calls in flight, releases their beads and ends supervise(), with --once too.
   */
  signal?: AbortSignal;
  /** Older form of `signal`: resolves when the supervisor should stop. */
  stopSignal?: Promise<void>;
  /** `bead up --webhook <port>`: sync as soon as the git server reports a push. */
  webhookPort?: number;
  /** Builds the claimer (default: local commits, or claims through the remote on a synced board). */
  claimerFor?: (ctx: WriteContext, host: string, config: BoardConfig) => Claimer;
}

export interface SuperviseResult {
  outcomes: Record<string, Record<string, number>>;
}

/** `bead up` and `bead agent start`: host agents of one board in this process. */
export async function supervise(options: SuperviseOptions): Promise<SuperviseResult> {
  const { paths, env, log } = options;
  const config = await readBoardConfig(paths.configFile);
  const loaded = loadAgents(paths);
  for (const problem of loaded.problems) log(`skipping ${problem.message}`);
  const wanted = options.agents ?? loaded.agents.map((agent) => agent.name);
  for (const name of wanted) {
    if (!loaded.agents.some((agent) => agent.name === name)) {
      throw loaded.problems.find((problem) => problem.file === `agents/${name}.md`) ?? new NotFoundError("agent", name, `no file agents/${name}.md`);
    }
  }
  if (wanted.length === 0) throw new BeadboardError("E_CONFIG", "this board has no valid agents in agents/; add one (see agents/reporter.md) or run `bead init`");
  // Agents work on the branch checked out now; a person's checkout elsewhere stops their commits.
  const ctx = { ...writeContext(paths, env), branchRef: currentBranchRef(paths.gitdir) };
  const host = env.BEAD_HOST ?? hostname();
  const metrics = new MetricsLog(paths.stateDir);
  const gatePolicy: GatePolicy = { remoteMax: config.policy.remoteMax, localOnly: config.policy.localOnly || options.localOnly === true };
  const remote = await optionalRemote(paths, env);
  // Refused before any agent, timer or listener starts, so nothing is left running (issue 14, item 15).
  if (options.webhookPort !== undefined && remote) webhookSecretFromEnv(env);
  const claimerOf = (writer: WriteContext): Claimer =>
    options.claimerFor ? options.claimerFor(writer, host, config) : remote ? remoteClaimer(writer, host, remote, log) : localClaimer(writer, host);
  const claimer = claimerOf(ctx);
  const everyone = loaded.agents.map((agent) => takesOf(agent, agentLocality(agent, providerFor(agent, env)?.host, config.localityPins)));
  const registry = buildRegistry(loaded.agents, env, config.localityPins);
  // Said once at start, not every tick: the beads no agent here can take, and why.
  await reportStalls(paths, everyone.filter((agent) => loaded.agents.find((a) => a.name === agent.name)?.fields.role !== "router"), config.policy.approve ?? [], log);
  // Routing, escalation requests and hand-overs: one pass per reconcile, shared by every runtime.
  const board = new LiveBoard(paths);
  const router = new BoardRouter({ ctx, board, config, registry, gatePolicy, metrics, log, ...(remote ? { remote } : {}) });
  const stop = new AbortController();
  const stopNow = () => stop.abort(options.signal?.reason ?? new Error("stopping"));
  if (options.signal?.aborted) stopNow();
  options.signal?.addEventListener("abort", stopNow, { once: true });
  void options.stopSignal?.then(stopNow);
  const serverQueues = new Map<string, PQueue>();
  const runtimes: AgentRuntime[] = [];
  const releases: Array<() => Promise<void>> = [];
  try {
    for (const agent of loaded.agents.filter((candidate) => wanted.includes(candidate.name))) {
      const provider = providerFor(agent, env);
      const locality = agentLocality(agent, provider?.host, config.localityPins);
      if (locality === "remote" && gatePolicy.localOnly) {
        log(`${agent.name}: not started: it uses a remote model and this board runs local-only`);
        continue;
      }
      releases.push(await singleInstance(paths, agent.name));
      let serverQueue: PQueue | undefined;
      if (provider?.host) {
        serverQueue = serverQueues.get(provider.host) ?? new PQueue({ concurrency: Number(env.BEAD_SERVER_CONCURRENCY) || 1 });
        serverQueues.set(provider.host, serverQueue);
      }
      // The agent's commits are authored by the agent; the committer stays this machine's identity.
      const agentCtx: WriteContext = { ...ctx, author: agentIdentity(agent.name, host) };
      runtimes.push(
        new AgentRuntime({ ctx: agentCtx, board, config, agent, everyone, provider, locality, gatePolicy, claimer: claimerOf(agentCtx), metrics, serverQueue, registry, route: () => router.run(), log: (line) => log(`${agent.name}: ${line}`) }),
      );
    }
    const sync = syncer({ ctx, remote, log, runtimes });
    await sync();
    // Even for --once: our own claims and results change files, and events keep each look to
    // those files instead of the whole board. Watching starts before the first (full) look, so
    // nothing changes unseen in between.
    board.watch();
    await sweepExpired(ctx, config, metrics, log, board);
    // Stopping aborts each runtime's work in flight; their beads are released as the work unwinds.
    const stopRuntimes = () => void Promise.all(runtimes.map((runtime) => runtime.stop())).catch(() => undefined);
    if (stop.signal.aborted) stopRuntimes();
    else stop.signal.addEventListener("abort", stopRuntimes, { once: true });
    if (options.once) {
      // One agent's work can make work for another (deps done, an epic planned, a bead escalated):
      // go round again until a round changes nothing. Every round after the first looks at the
      // whole board, so that a file event that never came cannot end the run early.
      for (let round = 0; round < MAX_ONCE_ROUNDS && !stop.signal.aborted; round++) {
        if (round > 0) board.changed();
        await new Promise((resolve) => setTimeout(resolve, 1)); // take in the file events of our last commits
        const before = progressOf(runtimes);
        await Promise.all(runtimes.map((runtime) => runtime.runOnce()));
        if (progressOf(runtimes) === before) break;
        if (round === MAX_ONCE_ROUNDS - 1) {
          metrics.record({ event: "guardrail", agent: "supervisor", reason: "once_rounds", rounds: MAX_ONCE_ROUNDS });
          log(`--once: stopping after ${MAX_ONCE_ROUNDS} rounds although work remains`);
        }
      }
      if (stop.signal.aborted) {
        log("stopping: no new claims; releasing beads in flight");
        await Promise.all(runtimes.map((runtime) => runtime.stop()));
      }
      await claimer.publish();
    } else {
      await runUntilStopped(runtimes, options, stop.signal, { ctx, board, config, env, metrics, log, runtimes, claimer, remote, webhookPort: options.webhookPort });
    }
  } finally {
    options.signal?.removeEventListener("abort", stopNow);
    board.unwatch();
    for (const release of releases) await release().catch(() => undefined);
  }
  return { outcomes: Object.fromEntries(runtimes.map((runtime) => [runtime.name, { ...runtime.outcomes }])) };
}

/** --once goes round while rounds make progress; a board that always makes more work still ends. */
const MAX_ONCE_ROUNDS = 20;

function progressOf(runtimes: readonly AgentRuntime[]): number {
  return runtimes.reduce((sum, runtime) => sum + Object.entries(runtime.outcomes).reduce((n, [outcome, count]) => (outcome === "skipped" ? n : n + count), 0), 0);
}

async function runUntilStopped(runtimes: AgentRuntime[], options: SuperviseOptions, signal: AbortSignal, background: BackgroundOptions): Promise<void> {
  for (const runtime of runtimes) await runtime.start();
  const stopBackground = await startBackground(background);
  options.log(`${runtimes.length} agent(s) watching ${options.paths.root}: ${runtimes.map((runtime) => runtime.name).join(", ")}`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
  options.log("stopping: no new claims; releasing beads in flight");
  await stopBackground();
  await Promise.all(runtimes.map((runtime) => runtime.stop()));
  await background.claimer.publish();
}

/** Two processes running the same agent on one board would both believe they hold its claims. */
async function singleInstance(paths: BoardPaths, agent: string): Promise<() => Promise<void>> {
  const dir = join(paths.stateDir, "agents");
  mkdirSync(dir, { recursive: true });
  const lockDir = `${join(dir, agent)}.lock`;
  for (let tries = 0; ; tries++) {
    try {
      const release = await lockfile.lock(join(dir, agent), { realpath: false, stale: 10_000, onCompromised: () => undefined });
      recordHolder(lockDir);
      return async () => {
        forgetHolder(lockDir);
        await release();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
      // A holder killed with kill -9 is seen at once (pid and start time), not after 10 s.
      if (tries === 0 && removeIfHolderDead(lockDir)) continue;
      const holder = currentHolder(lockDir);
      throw new BeadboardError("E_CONFIG", `agent ${agent} is already running on this board (${holder ? describeHolder(holder) : `another bead process holds ${lockDir}`})`);
    }
  }
}

async function reportStalls(paths: BoardPaths, workers: readonly AgentTakes[], approve: readonly string[], log: (line: string) => void): Promise<void> {
  try {
    const board = await loadBoard(paths);
    for (const stall of stalledBeads(workers, board.beads, board.byId, Date.now(), approve)) log(`${stall.id}: nobody can take it: ${stall.why}`);
  } catch (error) {
    log(`could not check for beads nobody can take: ${error instanceof Error ? error.message : String(error)}`);
  }
}
