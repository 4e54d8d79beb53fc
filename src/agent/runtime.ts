import { basename, dirname, join } from "node:path";
import type { FSWatcher } from "chokidar";
import PQueue from "p-queue";
import type { BoardPaths } from "../board/paths.js";
import { beadsFor, takesOf } from "./select.js";
import { workBead, type WorkOutcome, type WorkerEnv } from "./worker.js";
import { writeKeptResults, type KeptWriteBackEnv } from "./kept-result.js";
import { everyInterval, type IntervalTimer } from "../time/interval.js";
import { currentBranchRef, readRef } from "../git/refs.js";
import { SYSTEM_CLOCK, type RuntimeClock, type RuntimeOptions } from "./runtime-options.js";

export type { RuntimeClock, RuntimeOptions } from "./runtime-options.js";

const MAX_BACKOFF_MS = 60_000;
/** --once on a synced board: passes in a row that won nothing, before the agent gives up. */
export const MAX_RACED_PASSES = 20;
const SAFETY_NET_MS = 60_000;

/**
 * One agent at work: watch the board (events are only hints), reconcile what is ready for this
 * agent, queue it with the agent's concurrency, and keep claimed leases renewed. Stopping
 * aborts model calls in flight and releases their beads.
 */
export class AgentRuntime {
  readonly name: string;
  private readonly queue: PQueue;
  private readonly queued = new Set<string>();
  private readonly held = new Map<string, { abort: AbortController; renewing: boolean; settling: boolean }>();
  private readonly shutdown = new AbortController();
  private readonly keptSaid = new Set<string>();
  private backoffMs = 0;
  private backoffUntil = 0;
  private lastUnusable: { what: string; hint: string } | undefined;
  private watcher: FSWatcher | undefined;
  private stopHearing: (() => void) | undefined;
  private timers: IntervalTimer[] = [];
  private reconcileTimer: NodeJS.Timeout | undefined;
  private reconciling: Promise<number> | undefined;
  private reconcileAgain = false;
  private cancelWake: (() => void) | undefined;
  private readonly clock: RuntimeClock;
  private lastHintAt = 0;
  private lastTimedLookAt = 0;
  /** A watcher hint arrived while every slot was busy: reconcile when one frees up. */
  private lookWhenFree = false;
  readonly outcomes: Record<string, number> = {};

  constructor(private readonly options: RuntimeOptions) {
    this.name = options.agent.name;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    // With a gate, every ready bead waits there, so the gate can choose among all of them.
    this.queue = new PQueue({ concurrency: options.serverGate ? Number.POSITIVE_INFINITY : options.agent.fields.concurrency });
    options.serverGate?.setAgentLimit(this.name, options.agent.fields.concurrency);
  }

  get status(): { queued: number; working: string[]; backoffUntil: number } {
    return { queued: this.queued.size, working: [...this.held.keys()], backoffUntil: this.backoffUntil };
  }

  /** Enqueue every bead ready for this agent that is not already queued; returns how many were added. */
  reconcile(): Promise<number> {
    // Coalesce: a burst of file events runs one reconcile at a time. An event during a reconcile
    // may concern a file that reconcile already read past, so it runs once more after it.
    if (this.reconciling) {
      this.reconcileAgain = true;
      return this.reconciling;
    }
    this.reconciling = (async () => {
      let added = 0;
      do {
        this.reconcileAgain = false;
        added += await this.reconcileNow();
      } while (this.reconcileAgain && !this.shutdown.signal.aborted);
      return added;
    })().finally(() => {
      this.reconciling = undefined;
    });
    return this.reconciling;
  }

  /** For timers and watchers: a failed look at the board is logged, never an unhandled rejection. */
  private async reconcileSafely(): Promise<void> {
    try {
      await this.reconcile();
    } catch (error) {
      this.options.log(`could not read the board: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async reconcileNow(): Promise<number> {
    if (this.shutdown.signal.aborted || this.clock.now() < this.backoffUntil) return 0;
    await this.options.route?.().catch((error: unknown) => this.options.log(`routing failed: ${error instanceof Error ? error.message : String(error)}`));
    await writeKeptResults(this.keptEnv()).catch((error: unknown) => this.options.log(`could not write back a kept result: ${error instanceof Error ? error.message : String(error)}`));
    const board = await this.options.board.current();
    const me = takesOf(this.options.agent, this.options.locality);
    let added = 0;
    const ready = beadsFor(me, this.options.everyone, board.beads, board.byId, Date.now(), this.options.config.policy.approve);
    for (const bead of this.options.otherClones ? this.options.otherClones.claimOrder(ready) : ready) {
      if (this.queued.has(bead.id) || this.held.has(bead.id)) continue;
      this.queued.add(bead.id);
      added++;
      void this.queue.add(() => this.work(bead.id));
    }
    return added;
  }

  private async work(id: string): Promise<void> {
    try {
      if (this.shutdown.signal.aborted || this.clock.now() < this.backoffUntil) return;
      const run = () => workBead(this.workerEnv(), id, this.shutdown.signal);
      let outcome: WorkOutcome;
      const gate = this.options.serverGate;
      if (gate) {
        // The wait at the gate can be long: a back-off or a stop meanwhile means the bead is not started.
        const whenLetIn = () => (this.shutdown.signal.aborted || Date.now() < this.backoffUntil ? Promise.resolve<WorkOutcome>("skipped") : run());
        const gated = await gate.run({ agent: this.name, model: this.options.agent.fields.model ?? "", bead: id }, whenLetIn, this.shutdown.signal);
        if (!gated.ran) return;
        outcome = gated.value;
      } else outcome = (await (this.options.serverQueue ? this.options.serverQueue.add(run) : run())) as WorkOutcome;
      this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
      if (outcome === "unreachable") this.backOff(id);
      else if (outcome !== "skipped" && outcome !== "released") this.backoffMs = 0;
    } catch (error) {
      // A bug or an unexpected failure on one bead must never stop the loop.
      this.options.log(`${id}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      this.queued.delete(id);
      if (this.lookWhenFree && this.watcher && !this.shutdown.signal.aborted) {
        this.lookWhenFree = false;
        this.scheduleReconcile();
      }
    }
  }

  private backOff(id: string): void {
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs === 0 ? 5_000 : this.backoffMs * 2);
    this.backoffUntil = this.clock.now() + this.backoffMs;
    this.queue.clear();
    this.options.serverGate?.cancel(this.name);
    this.queued.clear();
    const why = this.lastUnusable ?? { what: `model server ${this.options.provider?.host ?? "?"} unreachable`, hint: "" };
    this.lastUnusable = undefined;
    // Look again as soon as the pause is over, not at the next periodic reconcile.
    this.cancelWake?.();
    if (this.watcher) this.cancelWake = this.clock.wakeAfter(this.backoffMs + 10, () => void this.reconcileSafely());
    this.options.log(`${why.what}: released ${id}, pausing ${Math.round(this.backoffMs / 1000)} s before claiming again${why.hint ? ` (${why.hint})` : ""}`);
  }

  private keptEnv(): KeptWriteBackEnv {
    const o = this.options;
    return { stateDir: o.ctx.paths.stateDir, root: o.ctx.paths.root, agent: this.name, writeBack: (id, agent, work) => o.claimer.writeBack(id, agent, work), publish: () => o.claimer.publish(), log: o.log, metrics: o.metrics, said: this.keptSaid };
  }

  private workerEnv(): WorkerEnv {
    const o = this.options;
    return {
      ctx: o.ctx,
      config: o.config,
      agent: o.agent,
      provider: o.provider,
      locality: o.locality,
      gatePolicy: o.gatePolicy,
      claimer: o.claimer,
      metrics: o.metrics,
      log: o.log,
      registry: o.registry,
      holding: (id, abort) => {
        this.held.set(id, { abort, renewing: false, settling: false });
        return () => this.held.delete(id);
      },
      settling: (id) => {
        const hold = this.held.get(id);
        if (hold) hold.settling = true;
      },
      unreachable: (why) => {
        this.lastUnusable = why;
      },
    };
  }

  /** Renew leases that are past half their length; a lost claim aborts its work. */
  async renewDue(): Promise<void> {
    const leaseMs = this.options.agent.fields.lease;
    for (const [id, hold] of this.held) {
      // A bead being written back or released is ours until that commit, which ends the claim:
      // renewing it then failed as "not held by <us> (held by <us>)" and aborted finished work.
      if (hold.renewing || hold.settling) continue;
      hold.renewing = true;
      try {
        const until = Date.parse(await this.leaseUntil(id));
        if (Number.isNaN(until) || until - this.clock.now() < leaseMs / 2) await this.options.claimer.renew(id, this.name, leaseMs);
      } catch (error) {
        if (hold.settling) continue; // the write-back overtook the renewal: nothing was lost
        this.options.log(`${id}: lease renewal failed (${error instanceof Error ? error.message : String(error)}); stopping work on it`);
        hold.abort.abort(new Error("claim lost"));
      } finally {
        hold.renewing = false;
      }
    }
  }

  private async leaseUntil(id: string): Promise<string> {
    // Every second while holding beads: the live board, not 10,000 stat calls each time.
    const board = await this.options.board.current();
    return board.byId.get(id)?.fields.lease_until ?? "";
  }

  /** Work everything ready, then return (for --once). Stops early when the model server is unreachable. */
  async runOnce(): Promise<void> {
    let racedPasses = 0;
    for (;;) {
      const progressBefore = this.progress();
      const tipBefore = this.boardTip();
      const added = await this.reconcile();
      await this.queue.onIdle();
      if (added === 0 || this.backoffUntil > this.clock.now() || this.shutdown.signal.aborted) return;
      if (this.progress() !== progressBefore) {
        racedPasses = 0;
        continue;
      }
      // Everything we tried was taken by someone else. On one board that is the end. On a
      // synced board the claims may have lost races to clones that then moved on: while the
      // board keeps moving (what the lost rounds fetched), beads still open on it are worth
      // another pass; a board that stood still (server gone, nobody working) ends it.
      if (!this.options.otherClones || this.boardTip() === tipBefore) return;
      if (++racedPasses >= MAX_RACED_PASSES) {
        this.options.metrics.record({ event: "guardrail", agent: this.name, reason: "once_raced_passes", passes: racedPasses });
        this.options.log(`--once: stopping after ${racedPasses} passes in a row in which other clones took every bead tried`);
        return;
      }
    }
  }

  private boardTip(): string | null {
    return readRef(this.options.ctx.paths.gitdir, this.options.ctx.branchRef ?? currentBranchRef(this.options.ctx.paths.gitdir));
  }

  private progress(): number {
    return Object.entries(this.outcomes).reduce((sum, [outcome, count]) => (outcome === "skipped" ? sum : sum + count), 0);
  }

  /** Watch the board and keep working until stop(). */
  async start(): Promise<void> {
    const { default: chokidar } = await import("chokidar");
    const paths: BoardPaths = this.options.ctx.paths;
    this.watcher = chokidar.watch([paths.beadsDir, join(paths.gitdir, "refs", "heads")], {
      ignoreInitial: true,
      // Our own temp files and editors' swap files are not beads; the files are the truth anyway.
      ignored: (path: string) => basename(path).startsWith(".") && path !== paths.beadsDir,
    });
    // Both watchers only hint; chokidar also sees beads/ come back after a rename or delete,
    // refs moved by git, and is the fallback where the OS watcher is unavailable.
    this.watcher.on("all", (_event: string, path: string) => {
      if (dirname(path) === paths.beadsDir) this.options.board.changed(basename(path));
      this.scheduleReconcile();
    });
    this.options.board.watch();
    this.stopHearing = this.options.board.onChange(() => this.scheduleReconcile());
    const timer = (name: string, everyMs: number, task: () => unknown) =>
      everyInterval(task, {
        name,
        everyMs,
        signal: this.shutdown.signal,
        onSkip: (event) => this.options.metrics.record({ event: "tick_skipped", agent: this.name, timer: event.name, running_ms: event.runningSinceMs }),
        onError: (error) => this.options.log(`${name} failed: ${error instanceof Error ? error.message : String(error)}`),
      });
    this.timers.push(timer("lease renewal", 1_000, () => this.renewDue()), timer("safety-net look", 10_000, () => this.safetyNetReconcile()));
    await new Promise<void>((resolve) => this.watcher!.once("ready", () => resolve()));
    await this.reconcile();
  }

  /**
   * The timed look at the board is a safety net for a missed file event. Reading 10,000 beads
   * costs ~350 ms of CPU, so with no hint since the last look it runs only once a minute: an
   * idle agent then stays under 1% CPU. Hints are acted on at once; what changes without a
   * hint (a lease lapsing on a claim elsewhere) is seen within a minute.
   */
  private safetyNetReconcile(): Promise<void> | undefined {
    const now = Date.now();
    if (this.lastHintAt <= this.lastTimedLookAt && now - this.lastTimedLookAt < SAFETY_NET_MS) return undefined;
    // Once a minute the look is a full one: a file changed without an event is seen then.
    if (now - this.lastTimedLookAt >= SAFETY_NET_MS) this.options.board.changed();
    this.lastTimedLookAt = now;
    return this.reconcileSafely();
  }

  private scheduleReconcile(): void {
    this.lastHintAt = Date.now();
    if (this.reconcileTimer) return;
    this.reconcileTimer = setTimeout(() => {
      this.reconcileTimer = undefined;
      // Every slot busy (most often: our own claim or write-back just changed the file and the
      // branch): a reconcile now could only queue beads behind the ones in flight, and reading
      // the board would hold up their commits. Look as soon as a slot is free instead.
      if (this.queue.pending >= this.queue.concurrency) {
        this.lookWhenFree = true;
        return;
      }
      void this.reconcileSafely();
    }, 25);
  }

  /** Stop claiming, abort model calls in flight (their beads are released), and wait for the queue to drain. */
  async stop(): Promise<void> {
    this.shutdown.abort(new Error("agent stopping"));
    clearTimeout(this.reconcileTimer);
    this.cancelWake?.();
    await Promise.all(this.timers.map((timer) => timer.stopped));
    this.timers = [];
    await this.watcher?.close();
    this.stopHearing?.();
    this.queue.clear();
    await this.queue.onIdle();
  }
}
