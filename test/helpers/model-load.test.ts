import { afterEach, describe, expect, it } from "vitest";
import { ServerLoad } from "./model-load.js";
import { startOllamaDouble, type OllamaDouble } from "./ollama-double.js";

let double: OllamaDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

async function chat(url: string, model: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/api/chat`, {
    method: "POST",
    body: JSON.stringify({ model, stream: false, messages: [{ role: "user", content: "x".repeat(400) }], ...extra }),
  });
  return (await response.json()) as Record<string, unknown>;
}

const GB = 1_000_000_000;

describe("the Ollama double under load (simulated pace)", () => {
  it("reports durations that match the set load time and token rates", async () => {
    double = await startOllamaDouble({
      models: [{ name: "a:1b", loadMs: 1500, promptTokensPerSecond: 400, evalTokensPerSecond: 40 }],
      replies: [{ content: "y".repeat(400), evalTokens: 80, promptTokens: 200 }],
      load: {},
    });
    const first = await chat(double.url, "a:1b");
    expect(first.load_duration).toBe(1500 * 1e6);
    expect(first.eval_count).toBe(80);
    expect((first.eval_count as number) / ((first.eval_duration as number) / 1e9)).toBeCloseTo(40, 6);
    expect((first.prompt_eval_count as number) / ((first.prompt_eval_duration as number) / 1e9)).toBeCloseTo(400, 6);
    const second = await chat(double.url, "a:1b");
    expect(second.load_duration).toBe(0); // already loaded
    expect(double.loadStats().loads).toEqual(["a:1b"]);
  });

  it("fits only maxLoaded models: loading one more evicts the least recently used; /api/ps lists size and size_vram", async () => {
    double = await startOllamaDouble({
      models: [
        { name: "a:1b", size: 2 * GB, sizeVram: GB },
        { name: "b:1b", size: 3 * GB },
        { name: "c:1b", size: 4 * GB },
      ],
      load: { maxLoaded: 2 },
    });
    await chat(double.url, "a:1b");
    await chat(double.url, "b:1b");
    await chat(double.url, "a:1b"); // b is now the least recently used
    await chat(double.url, "c:1b");
    const ps = (await (await fetch(`${double.url}/api/ps`)).json()) as { models: Array<{ name: string; size: number; size_vram: number }> };
    expect(ps.models.map((m) => [m.name, m.size, m.size_vram])).toEqual([
      ["c:1b", 4 * GB, 4 * GB],
      ["a:1b", 2 * GB, GB],
    ]);
    expect(double.loadStats()).toMatchObject({ loads: ["a:1b", "b:1b", "c:1b"], evictions: 1 });
  });

  it("cuts a prompt longer than num_ctx and counts only what it kept", async () => {
    double = await startOllamaDouble({ models: [{ name: "a:1b" }], replies: [{ content: "ok", promptTokens: 5000 }], load: {} });
    expect((await chat(double.url, "a:1b", { options: { num_ctx: 2048 } })).prompt_eval_count).toBe(2048);
    expect((await chat(double.url, "a:1b")).prompt_eval_count).toBe(5000);
  });

  it("reports llama.cpp-style timings on the OpenAI-compatible endpoint", async () => {
    double = await startOllamaDouble({ models: [{ name: "a:1b", evalTokensPerSecond: 25, promptTokensPerSecond: 500 }], replies: [{ content: "hello", evalTokens: 50, promptTokens: 100 }], load: {} });
    const response = await fetch(`${double.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: "a:1b", messages: [{ role: "user", content: "hi" }] }) });
    const body = (await response.json()) as { timings: Record<string, number> };
    expect(body.timings.predicted_per_second).toBeCloseTo(25, 6);
    expect(body.timings.prompt_per_second).toBeCloseTo(500, 6);
    expect(body.timings.predicted_n).toBe(50);
  });
});

describe("ServerLoad (real pace, clock injected)", () => {
  /** A sleep the test ends by hand: no wall-clock time passes. */
  function manualSleep(): { sleep: (ms: number) => Promise<void>; pending: number[]; wakeAll: () => void } {
    const pending: number[] = [];
    const wakes: Array<() => void> = [];
    return {
      pending,
      sleep: (ms) => new Promise<void>((resolve) => (pending.push(ms), wakes.push(resolve))),
      wakeAll: () => {
        pending.length = 0;
        for (const wake of wakes.splice(0)) wake();
      },
    };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it("makes a request wait while its model loads, and a second model wait for room", async () => {
    const clock = manualSleep();
    const load = new ServerLoad({ maxLoaded: 1, pace: "real" }, clock.sleep);
    const first = load.admit("a", { loadMs: 2000 });
    await settle();
    expect(clock.pending).toEqual([2000]);
    const other = load.admit("b", { loadMs: 3000 });
    await settle();
    expect(clock.pending).toEqual([2000]); // b waits: a is loading and busy
    clock.wakeAll();
    const a = await first;
    expect(a.loadMs).toBe(2000);
    await settle();
    expect(clock.pending).toEqual([]); // still no room for b while a serves
    a.release();
    await settle();
    expect(clock.pending).toEqual([3000]);
    clock.wakeAll();
    expect((await other).loadMs).toBe(3000);
    expect(load.stats).toMatchObject({ loads: ["a", "b"], evictions: 1, peakModelsInFlight: 2 });
  });

  it("serves at most `parallel` requests at once", async () => {
    const load = new ServerLoad({ parallel: 2, pace: "real" }, () => Promise.resolve());
    const admitted: Array<{ release: () => void }> = [];
    const all = ["a", "a", "b"].map((m) => load.admit(m, {}).then((slot) => (admitted.push(slot), slot)));
    await settle();
    expect(admitted).toHaveLength(2);
    admitted[0]!.release();
    await settle();
    expect(admitted).toHaveLength(3);
    await Promise.all(all);
  });
});
