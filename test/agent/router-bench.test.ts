/**
 * The routing fixture set (bench/fixtures/routing.json) through bench/routing.js, on the built
 * product (dist/, as `npm test` builds it): a guard against routing regressions.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";

interface RoutingBench {
  total: number;
  accuracy: number;
  misses: Array<{ title: string; expected: string | null; got: string | null }>;
  tierAccuracy: number;
  model: unknown;
}
type BenchModule = { runRoutingBench(options?: { write?: boolean; model?: string }): Promise<RoutingBench> };

const built = existsSync(new URL("../../dist/agent/route.js", import.meta.url));

describe.skipIf(!built)("routing accuracy bench", () => {
  it("routes the labelled fixture beads as a person would, at least 95% of the time", async () => {
    const bench = (await import(new URL("../../bench/routing.js", import.meta.url).href)) as BenchModule;
    const result = await bench.runRoutingBench({ write: false, model: "" });
    expect(result.total).toBeGreaterThanOrEqual(40);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(result.tierAccuracy).toBeGreaterThanOrEqual(0.85);
    expect(result.model).toBeNull();
  });
});
