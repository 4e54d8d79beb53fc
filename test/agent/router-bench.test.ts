/**
 * The routing fixture set (bench/fixtures/routing.json) through bench/routing.js, on the sources
 * (never a stale dist/): a guard against routing regressions.
 */
import { describe, expect, it } from "vitest";

interface RoutingBench {
  total: number;
  accuracy: number;
  misses: Array<{ title: string; expected: string | null; got: string | null }>;
  tierAccuracy: number;
  model: unknown;
}
type BenchModule = {
  runRoutingBench(options?: { write?: boolean; model?: string; load?: (module: string) => Promise<unknown> }): Promise<RoutingBench>;
};

/** Vitest resolves these literal imports to the TypeScript sources. */
const sources: Record<string, () => Promise<unknown>> = {
  "agent/parse": () => import("../../src/agent/parse.js"),
  "agent/registry": () => import("../../src/agent/registry.js"),
  "agent/route": () => import("../../src/agent/route.js"),
  "policy/router": () => import("../../src/policy/router.js"),
};

describe("routing accuracy bench", () => {
  it("routes the labelled fixture beads as a person would, at least 95% of the time", async () => {
    const bench = (await import(new URL("../../bench/routing.js", import.meta.url).href)) as BenchModule;
    const result = await bench.runRoutingBench({ write: false, model: "", load: (module) => sources[module]!() });
    expect(result.total).toBeGreaterThanOrEqual(40);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(result.tierAccuracy).toBeGreaterThanOrEqual(0.85);
    expect(result.model).toBeNull();
  });
});
