/**
 * One gate per model server, shared by every agent of the process that uses it (`bead up`): a
 * bead's whole work (claim, model calls, write-back) runs when the gate lets it, as chosen by the
 * pure core in model-schedule.ts within the server's profile (board/servers-config.ts).
 *
 * What the server holds loaded is what this process last used there, plus what Ollama's
 * /api/ps reports (asked after each switch of model, never waited for by a choice).
 */
import { chooseNext, type RunningBead, type WaitingBead } from "./model-schedule.js";
import type { ServerProfile } from "../board/servers-config.js";
import { resolveOllamaHost } from "../model/ollama.js";
import type { MetricsLog } from "./metrics.js";

export interface GateEntry {
  agent: string;
  model: string;
  bead: string;
}

export interface ServerGateOptions {
  host: string;
  profile: ServerProfile;
  now?: () => number;
  /** Models the server holds now (Ollama's /api/ps); absent for servers that cannot say. */
  askLoaded?: () => Promise<Array<{ name: string; size: number }>>;
  /** Sizes of models not loaded yet (Ollama's /api/tags), asked once; loaded sizes from askLoaded replace them. */
  askSizes?: () => Promise<Array<{ name: string; size: number }>>;
  metrics?: MetricsLog;
  log?: (line: string) => void;
}

type Waiter = WaitingBead & { start: () => void; entry: GateEntry };

export class ServerGate {
  private readonly waiting: Waiter[] = [];
  private readonly running: RunningBead[] = [];
  private readonly agentLimits = new Map<string, number>();
  /** Models this process used here, most recent last. */
  private readonly recent: string[] = [];
  private reported = new Set<string>();
  private readonly sizes = new Map<string, number>();
  private lastModel: string | undefined;
  private sequence = 0;
  /** Model switches this gate made (a model started that was not loaded): bench/models.js reads it. */
  loads = 0;

  private learning: Promise<void> | undefined;
  /** How each waiting bead's run() resolves as not run when it is dropped. */
  private readonly dropped = new Map<string, () => void>();
  private readonly watched = new WeakSet<AbortSignal>();
  private readonly signalOf = new Map<string, AbortSignal>();

  constructor(private readonly options: ServerGateOptions) {}

  /**
   * Ask the server, once, the sizes of its models and what it holds loaded. Not at start: a board
   * with no work for this server sends it no request at all. The first choice does not wait for it.
   */
  learn(): Promise<void> {
    this.learning ??= (async () => {
      const sizes = await this.options.askSizes?.().catch(() => undefined); // none: /api/ps sizes still count
      for (const m of sizes ?? []) if (m.size > 0 && !this.sizes.has(m.name)) this.sizes.set(m.name, m.size);
      await this.refreshLoaded();
    })();
    return this.learning;
  }

  get host(): string {
    return this.options.host;
  }

  get profile(): ServerProfile {
    return this.options.profile;
  }

  /** An agent's own concurrency, which the gate keeps as well (its runtime hands every ready bead to the gate). */
  setAgentLimit(agent: string, concurrency: number): void {
    this.agentLimits.set(agent, concurrency);
  }

  /**
   * Runs `task` when the schedule picks this entry. Resolves `{ ran: false }` without running it
   * when `signal` aborts first or the agent's waiting beads are dropped (cancel).
   */
  run<T>(entry: GateEntry, task: () => Promise<T>, signal?: AbortSignal): Promise<{ ran: true; value: T } | { ran: false }> {
    if (signal?.aborted) return Promise.resolve({ ran: false });
    return new Promise((resolve, reject) => {
      const key = `${entry.agent}/${entry.bead}/${++this.sequence}`;
      const waiter: Waiter = {
        key,
        agent: entry.agent,
        model: entry.model,
        since: this.now(),
        entry,
        start: () => {
          const slot: RunningBead = { agent: entry.agent, model: entry.model };
          this.running.push(slot);
          let work: Promise<T>;
          try {
            work = task();
          } catch (error) {
            work = Promise.reject(error instanceof Error ? error : new Error(String(error)));
          }
          work.then(
            (value) => resolve({ ran: true, value }),
            (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
          ).finally(() => {
            this.running.splice(this.running.indexOf(slot), 1);
            this.pump();
          });
        },
      };
      // A dropped waiter resolves as not run.
      this.dropped.set(key, () => resolve({ ran: false }));
      if (signal) this.signalOf.set(key, signal);
      if (signal) this.watch(signal);
      this.waiting.push(waiter);
      this.pump();
    });
  }

  /**
   * One listener per signal, not one per waiting bead: a runtime hands hundreds of beads to the
   * gate under one stop signal. The waiters are matched by their signal when it fires.
   */
  private watch(signal: AbortSignal): void {
    if (this.watched.has(signal)) return;
    this.watched.add(signal);
    signal.addEventListener("abort", () => this.drop((w) => this.signalOf.get(w.key) === signal), { once: true });
  }

  /** Drop an agent's waiting beads (it is backing off or stopping); their run() resolves as not run. */
  cancel(agent: string): void {
    this.drop((w) => w.agent === agent);
  }

  /** How many beads wait and run now (for status lines and tests). */
  get counts(): { waiting: number; running: number; models: number } {
    return { waiting: this.waiting.length, running: this.running.length, models: new Set(this.running.map((r) => r.model)).size };
  }

  private drop(match: (waiter: Waiter) => boolean): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const waiter = this.waiting[i]!;
      if (!match(waiter)) continue;
      this.waiting.splice(i, 1);
      this.dropped.get(waiter.key)?.();
      this.dropped.delete(waiter.key);
      this.signalOf.delete(waiter.key);
    }
    this.pump();
  }

  private pump(): void {
    const profile = this.options.profile;
    if (this.waiting.length > 0) void this.learn();
    for (;;) {
      const loaded = new Set([...this.reported, ...this.recent.slice(-Math.min(this.recent.length, Number.isFinite(profile.maxModels) ? profile.maxModels : this.recent.length))]);
      const choice = chooseNext(
        { waiting: this.waiting, running: this.running, loaded, agentLimits: this.agentLimits, sizes: this.sizes },
        { parallel: profile.parallel, maxModels: profile.maxModels, maxWaitMs: profile.maxWaitMs, ...(profile.memoryBytes === undefined ? {} : { memoryBytes: profile.memoryBytes }) },
        this.now(),
      );
      if (!choice) return;
      const at = this.waiting.findIndex((w) => w.key === choice.bead.key);
      const [waiter] = this.waiting.splice(at, 1);
      this.dropped.delete(waiter!.key);
      this.signalOf.delete(waiter!.key);
      this.note(waiter!, choice.why, loaded);
      waiter!.start();
    }
  }

  private note(waiter: Waiter, why: string, loaded: ReadonlySet<string>): void {
    const model = waiter.model;
    if (!loaded.has(model) && !this.running.some((r) => r.model === model)) {
      this.loads += 1;
      this.options.metrics?.record({ event: "model_switch", agent: waiter.agent, bead: waiter.entry.bead, server: this.options.host, model, from: this.lastModel ?? null });
    }
    // The age bound decided, not the model: every bound hit is a logged event.
    if (why === "overdue") this.options.metrics?.record({ event: "guardrail", agent: waiter.agent, bead: waiter.entry.bead, reason: "model_wait", server: this.options.host, waited_ms: this.now() - waiter.since });
    const switched = this.lastModel !== model;
    this.lastModel = model;
    const index = this.recent.indexOf(model);
    if (index >= 0) this.recent.splice(index, 1);
    this.recent.push(model);
    if (switched) void this.refreshLoaded();
  }

  private async refreshLoaded(): Promise<void> {
    const ask = this.options.askLoaded;
    if (!ask) return;
    try {
      const models = await ask();
      this.reported = new Set(models.map((m) => m.name));
      for (const m of models) if (m.size > 0) this.sizes.set(m.name, m.size);
    } catch {
      // a server that cannot say (or is down): what this process used still counts
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** The profile for an agent's server: `servers:` keys are matched as written and as Ollama hosts. */
export function profileFor(host: string, servers: Record<string, ServerProfile> | undefined, fallback: ServerProfile): ServerProfile {
  const key = Object.keys(servers ?? {}).find((candidate) => serverKeyMatches(candidate, host));
  return key === undefined ? fallback : servers![key]!;
}

/** Does a `servers:` key name this host (`gpu:11434` names `http://gpu:11434`; a trailing slash is no difference)? */
export function serverKeyMatches(key: string, host: string): boolean {
  if (key.replace(/\/+$/, "") === host) return true;
  try {
    return resolveOllamaHost(key, {}) === host;
  } catch {
    return false; // a key that is not a URL matches nothing else
  }
}
