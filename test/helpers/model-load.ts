/**
 * What a model server does under load, for the protocol doubles (test/helpers/ollama-double.ts):
 * a model takes time to switch in, only so many fit at once (loading one more evicts the least
 * recently used idle one, as Ollama does with OLLAMA_MAX_LOADED_MODELS), only so many requests
 * run at once (OLLAMA_NUM_PARALLEL), and tokens are read and written at set rates.
 *
 * Two paces. `simulated` (unit tests): nothing waits; the durations the server reports
 * (Ollama's load_duration, prompt_eval_duration, eval_duration; llama.cpp's `timings`) are the
 * ones the settings imply, so a test checks rates without a clock. `real` (bench/, system tests):
 * the double waits those durations in wall-clock time, and streams tokens at the set rate.
 */

export interface ModelSpeed {
  /** Milliseconds to switch the model in (default 0). */
  loadMs?: number;
  /** Prompt evaluation, tokens per second (default: instant). */
  promptTokensPerSecond?: number;
  /** Generation, tokens per second (default: instant). */
  evalTokensPerSecond?: number;
  /** Bytes the loaded model takes (/api/ps `size`; default 5 GB). */
  size?: number;
  /** Of which in GPU memory (/api/ps `size_vram`; default: all of it). */
  sizeVram?: number;
}

export interface ServerLoadOptions {
  /** Models that fit at once (default: no limit). */
  maxLoaded?: number;
  /** Requests served at once, over all models (default: no limit). */
  parallel?: number;
  pace?: "real" | "simulated";
  /** false: the OpenAI-compatible endpoint sends no llama.cpp `timings` (a server that reports nothing). */
  serverTimings?: boolean;
}

/** What one request spent, in milliseconds, as the server reports it. */
export interface ServedTimes {
  loadMs: number;
  promptMs: number;
  evalMs: number;
}

/** Counters a test or a bench reads back. */
export interface LoadStats {
  /** Model names in the order they were loaded. */
  loads: string[];
  evictions: number;
  /** The most chat requests admitted or waiting at one moment. */
  peakInFlight: number;
  /** The most distinct models among those requests at one moment. */
  peakModelsInFlight: number;
}

interface Resident {
  name: string;
  busy: number;
  lastUsed: number;
  /** Settles when the load finishes. */
  ready: Promise<void>;
}

export class ServerLoad {
  private readonly resident = new Map<string, Resident>();
  private readonly waiters: Array<() => void> = [];
  private readonly inFlight = new Map<string, number>();
  private running = 0;
  private tick = 0;
  readonly stats: LoadStats = { loads: [], evictions: 0, peakInFlight: 0, peakModelsInFlight: 0 };

  constructor(
    private readonly options: ServerLoadOptions,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  get reportsTimings(): boolean {
    return this.options.serverTimings !== false;
  }

  get pace(): "real" | "simulated" {
    return this.options.pace ?? "simulated";
  }

  /** Loaded models, most recently used first (what /api/ps lists). */
  loadedModels(): string[] {
    return [...this.resident.values()].sort((a, b) => b.lastUsed - a.lastUsed).map((r) => r.name);
  }

  /**
   * Admit one request for `model`: wait for room, load it if needed (evicting the least recently
   * used idle model), and take a parallel slot. Returns the load time this request paid and the
   * release to call when the reply is done or abandoned.
   */
  async admit(model: string, speed: ModelSpeed): Promise<{ loadMs: number; release: () => void }> {
    this.enter(model);
    let loadMs = 0;
    for (;;) {
      const found = this.resident.get(model);
      if (found) {
        found.busy += 1;
        await found.ready;
        break;
      }
      if (this.roomFor()) {
        loadMs = speed.loadMs ?? 0;
        const resident: Resident = { name: model, busy: 1, lastUsed: ++this.tick, ready: this.wait(loadMs) };
        this.resident.set(model, resident);
        this.stats.loads.push(model);
        await resident.ready;
        break;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    while (this.options.parallel !== undefined && this.running >= this.options.parallel) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.running += 1;
    const resident = this.resident.get(model);
    if (resident) resident.lastUsed = ++this.tick;
    let released = false;
    return {
      loadMs,
      release: () => {
        if (released) return;
        released = true;
        this.running -= 1;
        const r = this.resident.get(model);
        if (r) {
          r.busy -= 1;
          r.lastUsed = ++this.tick;
        }
        this.leave(model);
        this.wakeAll();
      },
    };
  }

  /** Durations for a request of these sizes at the model's rates. */
  timesFor(speed: ModelSpeed, loadMs: number, promptTokens: number, evalTokens: number): ServedTimes {
    const at = (tokens: number, rate: number | undefined) => (rate === undefined || rate <= 0 ? 0 : (tokens * 1000) / rate);
    return { loadMs, promptMs: at(promptTokens, speed.promptTokensPerSecond), evalMs: at(evalTokens, speed.evalTokensPerSecond) };
  }

  /** Waits `ms` in real pace; at once in simulated pace. */
  wait(ms: number): Promise<void> {
    return this.pace === "real" && ms > 0 ? this.sleep(ms) : Promise.resolve();
  }

  private roomFor(): boolean {
    const max = this.options.maxLoaded;
    if (max === undefined || this.resident.size < max) return true;
    const idle = [...this.resident.values()].filter((r) => r.busy === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0];
    if (!idle) return false;
    this.resident.delete(idle.name);
    this.stats.evictions += 1;
    return true;
  }

  private enter(model: string): void {
    this.inFlight.set(model, (this.inFlight.get(model) ?? 0) + 1);
    const total = [...this.inFlight.values()].reduce((sum, n) => sum + n, 0);
    this.stats.peakInFlight = Math.max(this.stats.peakInFlight, total);
    this.stats.peakModelsInFlight = Math.max(this.stats.peakModelsInFlight, this.inFlight.size);
  }

  private leave(model: string): void {
    const left = (this.inFlight.get(model) ?? 1) - 1;
    if (left <= 0) this.inFlight.delete(model);
    else this.inFlight.set(model, left);
  }

  private wakeAll(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
