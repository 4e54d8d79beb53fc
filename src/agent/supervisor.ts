import { mkdirSync } from "node:fs";
import { currentBranchRef } from "../git/refs.js";
import { StallWatch } from "./stall-watch.js";
import { webhookSecretFor } from "../sync/webhook.js";
import { hostname } from "node:os";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import PQueue from "p-queue";
import { readBoardConfig, type BoardConfig } from "../board/config.js";
import type { BoardPaths } from "../board/paths.js";
import { writeContext, type WriteContext } from "../board/write.js";
import { agentIdentity } from "../git/author.js";
import { AgentAlreadyRunningError, GitError, NoAgentsError, NotFoundError } from "../errors.js";
import { guardBranch, headMovedMessage } from "./branch-guard.js";
import { providerFor } from "./provider-for.js";
import type { GatePolicy } from "../policy/gate.js";
import { localClaimer, remoteClaimer, type Claimer } from "./claimer.js";
import { startBackground, syncer, type BackgroundOptions } from "./background.js";
import { optionalRemote, type Remote } from "../sync/remote.js";
import { takeTurnsAtRemote } from "../sync/turns.js";
import { loadAgents } from "./load.js";
import { MetricsLog } from "./metrics.js";
import { buildRegistry } from "./registry.js";
import { LiveBoard } from "../board/live-board.js";
import { BoardRouter } from "./route.js";
import { AgentRuntime } from "./runtime.js";
import { sweepExpired } from "./expiry-sweep.js";
import { currentHolder, forgetHolder, recordHolder, removeIfHolderDead } from "../os/lock-holder.js";
import { describeHolder } from "../os/process-identity.js";
import { agentLocality, takesOf } from "./select.js";
import { ServerGate, profileFor } from "./server-gate.js";
import { defaultProfile } from "../board/servers-config.js";
import { loadedModels, modelFileSizes } from "../model/ollama-ps.js";
import { readApiKey } from "../model/call.js";
import { spreadClaimOrder } from "./claim-order.js";
import { holderName } from "../claim/rules.js";

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
  if (wanted.length === 0) throw new NoAgentsError();
  // Agents work on the branch checked out now; a person's checkout elsewhere stops their commits.
  const ctx = { ...writeContext(paths, env), branchRef: currentBranchRef(paths.gitdir) };
  const host = env.BEAD_HOST ?? hostname();
  const metrics = new MetricsLog(paths.stateDir);
  const gatePolicy: GatePolicy = { remoteMax: config.policy.remoteMax, localOnly: config.policy.localOnly || options.localOnly === true };
  const boardRemote = await optionalRemote(paths, env);
  // Every fetch, claim and push of this process stops with it (the HTTP request in flight too).
  const remote = boardRemote && options.signal ? { ...boardRemote, signal: options.signal } : boardRemote;
  // Refused before any agent, timer or listener starts, so nothing is left running (issue 14, item 15).
  if (options.webhookPort !== undefined && remote) webhookSecretFor(env, env.BEAD_WEBHOOK_HOST ?? "0.0.0.0");
  if (remote) takeTurnsAtRemote(ctx, host);
  const claimerOf = (writer: WriteContext): Claimer =>
    options.claimerFor ? options.claimerFor(writer, host, config) : remote ? remoteClaimer(writer, host, remote, log) : localClaimer(writer, host);
  const claimer = claimerOf(ctx);
  // After the stop, what was released goes out once more on a remote without the stop signal,
  // with a short bound: the stop must end within seconds, and what does not go out now stays
  // committed here for the next sync.
  const partingPublish = () => (remote?.signal && !options.claimerFor ? remoteClaimer(ctx, host, partingRemote(remote), log) : claimer).publish();
  const everyone = loaded.agents.map((agent) => takesOf(agent, agentLocality(agent, providerFor(agent, env)?.host, config.localityPins)));
  const registry = buildRegistry(loaded.agents, env, config.localityPins);
  // Routing, escalation requests and hand-overs: one pass per reconcile, shared by every runtime.
  const board = new LiveBoard(paths);
  // Said at start and again whenever the set changes, never every tick: the beads no agent here can take, and why.
  const stalls = new StallWatch({ workers: everyone.filter((agent) => loaded.agents.find((a) => a.name === agent.name)?.fields.role !== "router"), approve: config.policy.approve ?? [], log, board: () => board.current() });
  await stalls.look();
  const stopHearing = board.onChange(() => stalls.request());
  const stopStallWatch = () => {
    stopHearing();
    stalls.stop();
  };
  const router = new BoardRouter({ ctx, board, config, registry, gatePolicy, metrics, log, ...(remote ? { remote } : {}) });
  const stop = new AbortController();
  const stopNow = () => stop.abort(options.signal?.reason ?? new Error("stopping"));
  if (options.signal?.aborted) stopNow();
  options.signal?.addEventListener("abort", stopNow, { once: true });
  // A person's `git checkout` elsewhere stops the process, not only its commits (issue 14, item 12).
  let movedTo: string | undefined;
  const stopGuard = guardBranch({
    gitdir: paths.gitdir,
    branchRef: ctx.branchRef,
    signal: stop.signal,
    onMoved: (head) => {
      movedTo = head;
      log(`stopping: HEAD moved from ${ctx.branchRef} to ${head}; releasing beads in flight on ${ctx.branchRef}`);
      stopNow();
    },
  });
  void options.stopSignal?.then(stopNow);
  const serverGates = new Map<string, ServerGate>();
  const firstCome = new Map<string, PQueue>();
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
      // One model-aware gate per server, shared by every agent using it, within the server's profile.
      let serverGate: ServerGate | undefined;
      let serverQueue: PQueue | undefined;
      const serverHost = provider?.host;
      if (serverHost && env.BEAD_SCHEDULE === "first-come") {
        // What bead up did before model-aware scheduling: first come, first served, `parallel` at
        // once, models unchecked. Kept so bench/models.js can compare both in one run.
        serverQueue = firstCome.get(serverHost) ?? new PQueue({ concurrency: profileFor(serverHost, config.servers, defaultProfile(env)).parallel });
        firstCome.set(serverHost, serverQueue);
      } else if (serverHost) {
        serverGate = serverGates.get(serverHost);
        if (!serverGate) {
          const profile = profileFor(serverHost, config.servers, defaultProfile(env));
          const key = readApiKey(agent.fields.api_key_env, env);
          const headers: Record<string, string> = key === undefined ? {} : { Authorization: `Bearer ${key}` };
          // Only a local server is asked what it holds: a remote host gets no request but the
          // gated work itself (the policy tests prove zero requests to a remote host).
          const ollama = provider.kind === "ollama" && locality === "local";
          const asks = ollama ? { askLoaded: () => loadedModels(serverHost, { headers, signal: stop.signal }), ...(profile.memoryBytes === undefined ? {} : { askSizes: () => modelFileSizes(serverHost, { headers, signal: stop.signal }) }) } : {};
          serverGate = new ServerGate({ host: serverHost, profile, metrics, log, ...asks });
          serverGates.set(serverHost, serverGate);
          if (config.servers !== undefined) log(`model server ${serverHost}: ${profile.preset ?? "own"} profile, ${profile.parallel} request(s) and ${profile.maxModels} model(s) at once`);
        }
      }
      // The agent's commits are authored by the agent; the committer stays this machine's identity.
      const agentCtx: WriteContext = { ...ctx, author: agentIdentity(agent.name, host) };
      runtimes.push(
        new AgentRuntime({ ctx: agentCtx, board, config, agent, everyone, provider, locality, gatePolicy, claimer: claimerOf(agentCtx), metrics, serverQueue, ...(serverGate ? { serverGate } : {}), registry, route: () => router.run(), log: (line) => log(`${agent.name}: ${line}`), ...(remote ? { otherClones: { claimOrder: (beads) => spreadClaimOrder(beads, holderName(agent.name, host)) } } : {}) }),
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
      await (stop.signal.aborted ? partingPublish() : claimer.publish());
    } else {
      await runUntilStopped(runtimes, options, stop.signal, { ctx, board, config, env, metrics, log, runtimes, claimer, remote, webhookPort: options.webhookPort }, partingPublish);
    }
  } finally {
    options.signal?.removeEventListener("abort", stopNow);
    stopGuard();
    stopStallWatch();
    board.unwatch();
    for (const release of releases) await release().catch(() => undefined);
  }
  if (movedTo !== undefined) throw new GitError(headMovedMessage(ctx.branchRef, movedTo), { expected: ctx.branchRef, head: movedTo, code: "HEAD_MOVED" });
  return { outcomes: Object.fromEntries(runtimes.map((runtime) => [runtime.name, { ...runtime.outcomes }])) };
}

/** --once goes round while rounds make progress; a board that always makes more work still ends. */
const MAX_ONCE_ROUNDS = 20;

function progressOf(runtimes: readonly AgentRuntime[]): number {
  return runtimes.reduce((sum, runtime) => sum + Object.entries(runtime.outcomes).reduce((n, [outcome, count]) => (outcome === "skipped" ? n : n + count), 0), 0);
}

async function runUntilStopped(runtimes: AgentRuntime[], options: SuperviseOptions, signal: AbortSignal, background: BackgroundOptions, partingPublish: () => Promise<void>): Promise<void> {
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
  await partingPublish();
}

/** The last push after a stop: the stop signal has fired, so a fresh bound of a few seconds for all of it. */
const PARTING_MS = 4_000;
function partingRemote(remote: Remote): Remote {
  return { ...remote, timeoutMs: Math.min(remote.timeoutMs, PARTING_MS), signal: AbortSignal.timeout(PARTING_MS) };
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
      throw new AgentAlreadyRunningError(agent, holder ? describeHolder(holder) : `another bead process holds ${lockDir}`);
    }
  }
}
