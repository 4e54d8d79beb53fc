/**
 * metrics.jsonl events are typed once (src/stats/events.ts) for the writer and the reader: what
 * MetricsLog writes is what `bead stats` reads, a line of an unknown event or a wrong field is
 * skipped and counted, never read as zeros.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MetricsLog } from "../../src/agent/metrics.js";
import { aggregate } from "../../src/stats/aggregate.js";
import { METRIC_EVENTS } from "../../src/stats/events.js";
import { parseMetrics, readMetricsFile } from "../../src/stats/read.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const stateDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "bead-metrics-"));
  dirs.push(dir);
  return dir;
};

const CALL = { event: "model_call", agent: "coder", bead: "bb-1", model: "qwen3:8b", tokens_in: 100, tokens_out: 20, latency_ms: 300, locality: "local" };
const line = (value: unknown) => JSON.stringify(value);

describe("reading metrics.jsonl", () => {
  it("reads each line against its event's schema, keeping only the declared fields", () => {
    const { lines, skipped, unknown } = parseMetrics(`${line({ ts: "2026-01-01T00:00:00.000Z", ...CALL, from_a_newer_writer: true })}\n`);
    expect({ skipped, unknown }).toEqual({ skipped: 0, unknown: 0 });
    expect(lines).toEqual([{ ts: "2026-01-01T00:00:00.000Z", ...CALL }]);
  });

  it("skips and counts a line of an unknown event, a wrong field, a missing field and a torn line", () => {
    const text = [line({ event: "teleport", agent: "coder" }), line({ ...CALL, tokens_in: "100" }), line({ ...CALL, latency_ms: undefined }), line(CALL), '{"event":"done","ag'].join("\n");
    const { lines, skipped, unknown } = parseMetrics(text);
    expect(lines).toHaveLength(1);
    expect(skipped).toBe(4);
    expect(unknown).toBe(1);
  });

  it("skips lines that are JSON but not events: a list, a string, null, an object without an agent", () => {
    const { lines, skipped, unknown } = parseMetrics(["[1]", '"done"', "null", line({ event: "done" })].join("\n"));
    expect({ lines, skipped, unknown }).toEqual({ lines: [], skipped: 4, unknown: 0 });
  });

  it("a field renamed by a writer is refused at compile time and is not read as zero", () => {
    const dir = stateDir();
    const log = new MetricsLog(dir);
    log.record({ event: "model_call", agent: "coder", bead: "bb-1", model: "m", tokens_in: 5, tokens_out: 5, latency_ms: 10 });
    // @ts-expect-error: model_call has tokens_in, not tokens_input
    log.record({ event: "model_call", agent: "coder", bead: "bb-1", model: "m", tokens_input: 5, tokens_out: 5, latency_ms: 10 });
    const { lines, skipped } = readMetricsFile(dir);
    expect(skipped).toBe(1);
    expect(aggregate(lines).tokens).toMatchObject({ in: 5, out: 5 });
  });

  it("reads back what the writer wrote, stamped with the time", () => {
    const dir = stateDir();
    new MetricsLog(dir).record({ event: "heartbeat", agent: "coder", queued: 2, working: ["bb-1"] });
    const [read] = readMetricsFile(dir).lines;
    expect(read).toMatchObject({ event: "heartbeat", agent: "coder", queued: 2, working: ["bb-1"] });
    expect(Date.parse(read?.ts ?? "")).not.toBeNaN();
  });

  it("an empty board has no metrics, and a blank line is not a skipped line", () => {
    const dir = stateDir();
    expect(readMetricsFile(dir)).toEqual({ lines: [], skipped: 0, unknown: 0 });
    writeFileSync(join(dir, "metrics.jsonl"), `\n${line(CALL)}\n\n`);
    expect(readMetricsFile(dir)).toMatchObject({ skipped: 0, unknown: 0 });
  });

  it("knows the events the agents write", () => {
    for (const name of ["claim", "model_call", "gate", "guardrail", "done", "failed", "shadow", "route", "plan", "heartbeat", "pack", "tick_skipped"]) expect(METRIC_EVENTS.has(name), name).toBe(true);
  });
});
