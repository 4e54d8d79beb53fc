/**
 * Model-aware scheduling, the pure core: which waiting bead a model server should take next.
 *
 * Switching models on a server costs seconds (a load) and can evict another agent's model. So,
 * among the beads waiting for a server: prefer a model that has work in flight, then one the
 * server holds loaded, and only then load another, choosing the model with the most beads
 * waiting (a batch pays one load). Never have more models in flight than the profile allows, nor
 * more requests than its parallel slots, nor more of one agent's beads than its concurrency.
 * Age bounds the wait: once a bead has waited `maxWaitMs`, the oldest such bead goes next, and
 * while it cannot start (its model would exceed the limit) nothing else starts, so the models in
 * flight drain and make room for it.
 */

export interface WaitingBead {
  /** Unique among the waiting and running entries (agent and bead id). */
  key: string;
  agent: string;
  model: string;
  /** When it began to wait, on the caller's clock. */
  since: number;
}

export interface RunningBead {
  agent: string;
  model: string;
}

export interface ScheduleLimits {
  parallel: number;
  maxModels: number;
  /** Bytes the models in flight may take together; models of unknown size count 0. */
  memoryBytes?: number;
  maxWaitMs: number;
}

export interface ScheduleState {
  /** In arrival order (an agent queues its beads by priority, then age). */
  waiting: readonly WaitingBead[];
  running: readonly RunningBead[];
  /** Models the server holds now (from /api/ps and what this process just used). */
  loaded: ReadonlySet<string>;
  /** Each agent's concurrency; an agent not listed may run one bead at a time. */
  agentLimits: ReadonlyMap<string, number>;
  /** Bytes per model, where known. */
  sizes?: ReadonlyMap<string, number>;
}

export type Choice = { bead: WaitingBead; why: "in-flight" | "loaded" | "load" | "overdue" };

export function chooseNext(state: ScheduleState, limits: ScheduleLimits, now: number): Choice | undefined {
  if (state.running.length >= limits.parallel) return undefined;
  const perAgent = countBy(state.running, (r) => r.agent);
  const eligible = state.waiting.filter((w) => (perAgent.get(w.agent) ?? 0) < (state.agentLimits.get(w.agent) ?? 1));
  if (eligible.length === 0) return undefined;
  const active = new Set(state.running.map((r) => r.model));
  const canStart = (model: string): boolean => active.has(model) || (active.size < limits.maxModels && fitsMemory(model, active, state.sizes, limits.memoryBytes));

  const overdue = eligible.filter((w) => now - w.since >= limits.maxWaitMs).sort((a, b) => a.since - b.since);
  const oldest = overdue[0];
  if (oldest) return canStart(oldest.model) ? { bead: oldest, why: "overdue" } : undefined;

  const inFlight = eligible.find((w) => active.has(w.model));
  if (inFlight) return { bead: inFlight, why: "in-flight" };
  const loaded = eligible.find((w) => state.loaded.has(w.model) && canStart(w.model));
  if (loaded) return { bead: loaded, why: "loaded" };
  // A load: the model with the most beads waiting pays it once for all of them; ties go to the
  // model of the oldest bead.
  const waitingPerModel = countBy(eligible, (w) => w.model);
  let best: WaitingBead | undefined;
  for (const candidate of eligible) {
    if (!canStart(candidate.model)) continue;
    if (!best || (waitingPerModel.get(candidate.model) ?? 0) > (waitingPerModel.get(best.model) ?? 0)) best = candidate;
  }
  return best ? { bead: best, why: "load" } : undefined;
}

/**
 * With nothing in flight any model may start, whatever its size: a model larger than the
 * budget would otherwise wait forever. The server then says whether it fits.
 */
function fitsMemory(model: string, active: ReadonlySet<string>, sizes: ReadonlyMap<string, number> | undefined, budget: number | undefined): boolean {
  if (budget === undefined || active.size === 0 || !sizes) return true;
  let total = sizes.get(model) ?? 0;
  for (const name of active) total += sizes.get(name) ?? 0;
  return total <= budget;
}

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return counts;
}
