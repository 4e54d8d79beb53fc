import { describe, expect, it } from "vitest";
import { startOllamaDouble } from "../helpers/ollama-double.js";
import { modelFileSizes } from "../../src/model/ollama-ps.js";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ServerGate, profileFor } from "../../src/agent/server-gate.js";
import { MetricsLog } from "../../src/agent/metrics.js";
import { PRESETS, defaultProfile, type ServerProfile } from "../../src/board/servers-config.js";

/** Tasks the test finishes by hand, so the gate's state is checked between steps without any clock. */
function harness(profile: ServerProfile, clock = { now: 0 }) {
  const gate = new ServerGate({ host: "http://s", profile, now: () => clock.now });
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  let peak = { running: 0, models: 0 };
  const submit = (agent: string, model: string, bead: string, signal?: AbortSignal) =>
    gate.run(
      { agent, model, bead },
      () =>
        new Promise<string>((resolve) => {
          started.push(bead);
          const counts = gate.counts;
          peak = { running: Math.max(peak.running, counts.running), models: Math.max(peak.models, counts.models) };
          finishers.set(bead, () => resolve(bead));
        }),
      signal,
    );
  const finish = async (bead: string) => {
    finishers.get(bead)!();
    finishers.delete(bead);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { gate, started, submit, finish, peak: () => peak, clock };
}

describe("ServerGate", () => {
  it("batches by model: with three agents on three models it loads each model once", async () => {
    const h = harness({ parallel: 1, maxModels: 2, maxWaitMs: 60_000 });
    for (const agent of ["a", "b", "c"]) h.gate.setAgentLimit(agent, 1);
    const runs = [];
    for (let i = 0; i < 3; i++) for (const [agent, model] of [["a", "A"], ["b", "B"], ["c", "C"]] as const) runs.push(h.submit(agent, model, `${model}${i}`));
    while (h.started.length < 9) await h.finish(h.started.at(-1)!);
    expect(h.started).toEqual(["A0", "A1", "A2", "B0", "B1", "B2", "C0", "C1", "C2"]);
    expect(h.gate.loads).toBe(3);
    await h.finish("C2");
    expect((await Promise.all(runs)).every((r) => r.ran)).toBe(true);
  });

  it("never runs more than the profile's parallel requests or models, whatever arrives", async () => {
    const h = harness({ parallel: 3, maxModels: 2, maxWaitMs: 60_000 });
    for (const agent of ["a", "b", "c", "d"]) h.gate.setAgentLimit(agent, 2);
    const models = ["A", "B", "C", "D"];
    for (let i = 0; i < 24; i++) void h.submit("abcd"[i % 4]!, models[i % 4]!, `x${i}`);
    const finished = new Set<string>();
    for (let done = 0; done < 24; done++) {
      expect(h.gate.counts.running).toBeGreaterThan(0); // never idle while beads wait
      const next = h.started.find((bead) => !finished.has(bead))!;
      finished.add(next);
      await h.finish(next);
    }
    expect(h.started).toHaveLength(24);
    expect(h.peak()).toEqual({ running: 3, models: 2 });
  });

  it("lets a bead that waited past max_wait go next, logging the bound", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gate-"));
    try {
      const metrics = new MetricsLog(dir);
      const clock = { now: 0 };
      const gate = new ServerGate({ host: "http://s", profile: { parallel: 1, maxModels: 1, maxWaitMs: 1000 }, now: () => clock.now, metrics });
      gate.setAgentLimit("a", 1);
      gate.setAgentLimit("c", 1);
      const order: string[] = [];
      const finishers: Array<() => void> = [];
      const task = (bead: string) => () => new Promise<void>((resolve) => (order.push(bead), finishers.push(resolve)));
      void gate.run({ agent: "a", model: "A", bead: "a1" }, task("a1"));
      void gate.run({ agent: "c", model: "C", bead: "c1" }, task("c1"));
      void gate.run({ agent: "a", model: "A", bead: "a2" }, task("a2"));
      clock.now = 1500; // c1 is overdue now; a2 would otherwise keep model A going
      finishers.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
      expect(order).toEqual(["a1", "c1"]);
      const lines = readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.find((l) => l.reason === "model_wait")).toMatchObject({ event: "guardrail", agent: "c", bead: "c1", waited_ms: 1500 });
      expect(lines.filter((l) => l.event === "model_switch").map((l) => l.model)).toEqual(["A", "C"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("drops waiting beads on abort and on cancel, without running them", async () => {
    const h = harness({ parallel: 1, maxModels: 1, maxWaitMs: 60_000 });
    h.gate.setAgentLimit("a", 1);
    h.gate.setAgentLimit("b", 1);
    const first = h.submit("a", "A", "a1");
    const stop = new AbortController();
    const aborted = h.submit("b", "B", "b1", stop.signal);
    const cancelled = h.submit("a", "A", "a2");
    stop.abort();
    expect(await aborted).toEqual({ ran: false });
    h.gate.cancel("a");
    expect(await cancelled).toEqual({ ran: false });
    await h.finish("a1");
    expect(await first).toEqual({ ran: true, value: "a1" });
    expect(h.started).toEqual(["a1"]);
    expect(h.gate.counts).toEqual({ waiting: 0, running: 0, models: 0 });
  });

  it("frees the slot of a task that throws, at once or later, and goes on", async () => {
    const gate = new ServerGate({ host: "http://s", profile: { parallel: 1, maxModels: 1, maxWaitMs: 60_000 } });
    gate.setAgentLimit("a", 3);
    const boom = gate.run({ agent: "a", model: "A", bead: "1" }, () => {
      throw new Error("at once");
    });
    const later = gate.run({ agent: "a", model: "A", bead: "2" }, async () => Promise.reject(new Error("later")));
    const fine = gate.run({ agent: "a", model: "A", bead: "3" }, async () => "ok");
    await expect(boom).rejects.toThrow("at once");
    await expect(later).rejects.toThrow("later");
    expect(await fine).toEqual({ ran: true, value: "ok" });
    expect(gate.counts).toEqual({ waiting: 0, running: 0, models: 0 });
  });

  it("takes the models the server reports as loaded into account", async () => {
    const gate = new ServerGate({ host: "http://s", profile: { parallel: 1, maxModels: 2, maxWaitMs: 60_000 }, askLoaded: async () => [{ name: "B", size: 1 }] });
    await gate.learn();
    gate.setAgentLimit("a", 1);
    gate.setAgentLimit("b", 1);
    const order: string[] = [];
    let release = () => {};
    void gate.run({ agent: "x", model: "Z", bead: "z" }, () => new Promise<void>((resolve) => (release = resolve)));
    void gate.run({ agent: "a", model: "A", bead: "a1" }, async () => void order.push("a1"));
    void gate.run({ agent: "b", model: "B", bead: "b1" }, async () => void order.push("b1"));
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order[0]).toBe("b1");
  });
});

describe("ServerGate memory budget", () => {
  it("keeps models whose sizes (from /api/tags) exceed the budget together from running at once", async () => {
    const double = await startOllamaDouble({ models: [{ name: "A", size: 6 }, { name: "B", size: 6 }] });
    try {
      const gate = new ServerGate({ host: double.url, profile: { parallel: 2, maxModels: 2, memoryBytes: 10, maxWaitMs: 60_000 }, askSizes: () => modelFileSizes(double.url) });
      await gate.learn();
      gate.setAgentLimit("a", 1);
      gate.setAgentLimit("b", 1);
      const order: string[] = [];
      let releaseA = () => {};
      void gate.run({ agent: "a", model: "A", bead: "a1" }, () => new Promise<void>((resolve) => (order.push("a1"), (releaseA = resolve))));
      const b = gate.run({ agent: "b", model: "B", bead: "b1" }, async () => void order.push("b1"));
      expect(order).toEqual(["a1"]); // 6 + 6 > 10: B waits although parallel and models allow it
      releaseA();
      await b;
      expect(order).toEqual(["a1", "b1"]);
    } finally {
      await double.close();
    }
  });
});

describe("profileFor", () => {
  it("matches a servers: key as written or as an Ollama host, else the default", () => {
    const servers = { "http://127.0.0.1:11434/": PRESETS.laptop, "gpu-box:11434": PRESETS.server };
    expect(profileFor("http://127.0.0.1:11434", servers, defaultProfile({}))).toBe(PRESETS.laptop);
    expect(profileFor("http://gpu-box:11434", servers, defaultProfile({}))).toBe(PRESETS.server);
    expect(profileFor("http://other:1", servers, defaultProfile({ BEAD_SERVER_CONCURRENCY: "3" }))).toMatchObject({ parallel: 3, maxModels: Infinity });
  });
});

describe("bead doctor: servers: profiles", () => {
  it("lists the agents each profile governs, and calls a key that matches no agent a problem", async () => {
    const { serverProfileChecks } = await import("../../src/cli/commands/doctor-servers.js");
    const agent = (name: string, host: string) => ({ name, path: `agents/${name}.md`, fields: { name, provider: "ollama", model: "m", host }, body: "" }) as never;
    const checks = serverProfileChecks({ "127.0.0.1:11434": PRESETS.laptop, "http://gpu-bx:11434": PRESETS.server }, [agent("a", "http://127.0.0.1:11434"), agent("b", "http://gpu-box:11434")], {});
    expect(checks[0]).toMatchObject({ name: "server 127.0.0.1:11434", ok: true, detail: expect.stringMatching(/^laptop profile: 1 request\(s\), 1 model\(s\) at once, 8 GiB, max wait 300 s; agents a$/) });
    expect(checks[1]).toMatchObject({ name: "server http://gpu-bx:11434", ok: false, detail: expect.stringMatching(/no agent's host: matches it \(agents use http:\/\/127\.0\.0\.1:11434, http:\/\/gpu-box:11434\); fix the key/) });
  });
});
