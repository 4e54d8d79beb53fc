import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { chooseNext, type RunningBead, type ScheduleLimits, type WaitingBead } from "../../src/agent/model-schedule.js";

const bead = (key: string, agent: string, model: string, since = 0): WaitingBead => ({ key, agent, model, since });
const limits = (over: Partial<ScheduleLimits> = {}): ScheduleLimits => ({ parallel: 1, maxModels: 2, maxWaitMs: 60_000, ...over });
const agents = (...names: string[]) => new Map(names.map((n) => [n, 1]));

describe("chooseNext", () => {
  it("prefers a model the server holds over an older bead that needs a load", () => {
    const waiting = [bead("1", "a", "A"), bead("2", "b", "B")];
    const choice = chooseNext({ waiting, running: [], loaded: new Set(["B"]), agentLimits: agents("a", "b") }, limits(), 10);
    expect(choice).toEqual({ bead: waiting[1], why: "loaded" });
  });

  it("loads the model with the most beads waiting when none is loaded", () => {
    const waiting = [bead("1", "a", "A"), bead("2", "b", "B"), bead("3", "c", "B")];
    const choice = chooseNext({ waiting, running: [], loaded: new Set(), agentLimits: agents("a", "b", "c") }, limits(), 10);
    expect(choice?.bead.key).toBe("2");
    expect(choice?.why).toBe("load");
  });

  it("never starts a third model when the profile allows two, nor more than `parallel` requests", () => {
    const state = { waiting: [bead("3", "c", "C")], running: [{ agent: "a", model: "A" }, { agent: "b", model: "B" }], loaded: new Set(["C"]), agentLimits: agents("a", "b", "c") };
    expect(chooseNext(state, limits({ parallel: 4, maxModels: 2 }), 10)).toBeUndefined();
    expect(chooseNext(state, limits({ parallel: 4, maxModels: 3 }), 10)?.bead.key).toBe("3");
    expect(chooseNext(state, limits({ parallel: 2, maxModels: 3 }), 10)).toBeUndefined();
  });

  it("keeps an agent to its concurrency", () => {
    const state = { waiting: [bead("2", "a", "A")], running: [{ agent: "a", model: "A" }], loaded: new Set(["A"]), agentLimits: agents("a") };
    expect(chooseNext(state, limits({ parallel: 4 }), 10)).toBeUndefined();
    expect(chooseNext({ ...state, agentLimits: new Map([["a", 2]]) }, limits({ parallel: 4 }), 10)?.why).toBe("in-flight");
  });

  it("lets an overdue bead go first, and drains the models in flight until it can", () => {
    const waiting = [bead("old", "c", "C", 0), bead("new", "a", "A", 50_000)];
    const running: RunningBead[] = [{ agent: "b", model: "B" }];
    const state = { waiting, running, loaded: new Set(["A", "B"]), agentLimits: agents("a", "b", "c") };
    // Not yet overdue: A (loaded, room for a second model) goes first.
    expect(chooseNext(state, limits({ parallel: 2, maxModels: 2 }), 59_999)?.bead.key).toBe("new");
    // Overdue, room for C: C goes.
    expect(chooseNext(state, limits({ parallel: 2, maxModels: 2 }), 60_000)).toEqual({ bead: waiting[0], why: "overdue" });
    // Overdue, no room for C: nothing starts, not even loaded A, until B is done.
    expect(chooseNext(state, limits({ parallel: 2, maxModels: 1 }), 60_000)).toBeUndefined();
    expect(chooseNext({ ...state, running: [] }, limits({ parallel: 2, maxModels: 1 }), 60_000)?.bead.key).toBe("old");
  });

  it("keeps the models in flight within the memory budget, but always lets one model run", () => {
    const sizes = new Map([["A", 6], ["B", 6]]);
    const state = { waiting: [bead("2", "b", "B")], running: [{ agent: "a", model: "A" }], loaded: new Set<string>(), agentLimits: agents("a", "b"), sizes };
    expect(chooseNext(state, limits({ parallel: 2, memoryBytes: 10 }), 0)).toBeUndefined();
    expect(chooseNext(state, limits({ parallel: 2, memoryBytes: 12 }), 0)?.bead.key).toBe("2");
    expect(chooseNext({ ...state, running: [] }, limits({ parallel: 2, memoryBytes: 1 }), 0)?.bead.key).toBe("2");
  });
});

/** A server simulated in steps: beads arrive, the chooser starts what it picks, each run takes its duration. */
function simulate(input: { arrivals: Array<{ agent: number; at: number; duration: number }>; models: string[]; agentLimit: number; limits: ScheduleLimits }) {
  const agentModel = (agent: number) => input.models[agent % input.models.length]!;
  const agentLimits = new Map(input.models.map((_, i) => [`agent${i}`, input.agentLimit]));
  const entries = input.arrivals.map((a, i) => ({ bead: bead(`b${i}`, `agent${a.agent % input.models.length}`, agentModel(a.agent), a.at), duration: a.duration, index: i }));
  const pending = [...entries].sort((a, b) => a.bead.since - b.bead.since || a.index - b.index);
  const waiting: typeof entries = [];
  const running: Array<{ agent: string; model: string; until: number }> = [];
  const started = new Map<string, number>();
  const violations: string[] = [];
  let now = 0;
  for (let steps = 0; steps < 100_000 && (pending.length > 0 || waiting.length > 0 || running.length > 0); steps++) {
    while (pending[0] && pending[0].bead.since <= now) waiting.push(pending.shift()!);
    for (let i = running.length - 1; i >= 0; i--) if (running[i]!.until <= now) running.splice(i, 1);
    for (;;) {
      const state = { waiting: waiting.map((w) => w.bead), running, loaded: new Set<string>(), agentLimits };
      const choice = chooseNext(state, input.limits, now);
      // The age bound: when some bead that could run has waited too long, the oldest of them goes or nothing does.
      const perAgent = new Map<string, number>();
      for (const r of running) perAgent.set(r.agent, (perAgent.get(r.agent) ?? 0) + 1);
      const overdue = waiting.filter((w) => now - w.bead.since >= input.limits.maxWaitMs && (perAgent.get(w.bead.agent) ?? 0) < input.agentLimit);
      const oldest = overdue.sort((a, b) => a.bead.since - b.bead.since)[0];
      if (choice && oldest && choice.bead.since > oldest.bead.since) violations.push(`${choice.bead.key} overtook overdue ${oldest.bead.key} at ${now}`);
      if (!choice) {
        if (running.length === 0 && waiting.length > 0 && waiting.some((w) => (perAgent.get(w.bead.agent) ?? 0) < input.agentLimit)) violations.push(`idle server with beads waiting at ${now}`);
        break;
      }
      const at = waiting.findIndex((w) => w.bead.key === choice.bead.key);
      const [entry] = waiting.splice(at, 1);
      running.push({ agent: entry!.bead.agent, model: entry!.bead.model, until: now + entry!.duration });
      started.set(entry!.bead.key, now);
      if (running.length > input.limits.parallel) violations.push(`${running.length} requests at ${now}`);
      if (new Set(running.map((r) => r.model)).size > input.limits.maxModels) violations.push(`${new Set(running.map((r) => r.model)).size} models at ${now}`);
      if (running.filter((r) => r.agent === entry!.bead.agent).length > input.agentLimit) violations.push(`agent over its concurrency at ${now}`);
    }
    const next = Math.min(pending[0]?.bead.since ?? Infinity, ...running.map((r) => r.until));
    // Time moves to the next arrival or completion, and also to the moment a bead becomes overdue.
    const dueAt = Math.min(...waiting.map((w) => w.bead.since + input.limits.maxWaitMs).filter((t) => t > now));
    now = Math.min(next, dueAt);
    if (!Number.isFinite(now)) break;
  }
  return { entries, started, violations };
}

describe("chooseNext in a simulated server (properties)", () => {
  const scenario = fc.record({
    arrivals: fc.array(fc.record({ agent: fc.nat(5), at: fc.nat(100), duration: fc.integer({ min: 1, max: 30 }) }), { minLength: 1, maxLength: 60 }),
    models: fc.integer({ min: 1, max: 4 }).map((n) => ["A", "B", "C", "D"].slice(0, n)),
    agentLimit: fc.integer({ min: 1, max: 3 }),
    limits: fc.record({ parallel: fc.integer({ min: 1, max: 4 }), maxModels: fc.integer({ min: 1, max: 3 }), maxWaitMs: fc.integer({ min: 1, max: 100 }) }),
  });

  it("never exceeds parallel requests, models in flight or an agent's concurrency; never idles with work; no bead overtakes an overdue one", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const result = simulate(input);
        expect(result.violations).toEqual([]);
        expect(result.started.size).toBe(input.arrivals.length);
      }),
      { numRuns: 300 },
    );
  });

  it("bounds every wait: the age bound plus the work of the beads that arrived before it", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { entries, started } = simulate(input);
        const longest = Math.max(...input.arrivals.map((a) => a.duration));
        for (const entry of entries) {
          const before = entries.filter((other) => other.bead.since < entry.bead.since || (other.bead.since === entry.bead.since && other.index < entry.index)).length;
          const waited = started.get(entry.bead.key)! - entry.bead.since;
          expect(waited).toBeLessThanOrEqual(input.limits.maxWaitMs + (before + 1) * longest);
        }
      }),
      { numRuns: 300 },
    );
  });
});
