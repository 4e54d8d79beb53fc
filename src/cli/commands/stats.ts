import { aggregate } from "../../stats/aggregate.js";
import { readMetricsFile } from "../../stats/read.js";
import { renderStats } from "../../stats/render.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";

/** `bead stats [--json]`: throughput, latency, tokens, cost, local share, from .git/beadboard/metrics.jsonl. */
export async function stats(io: CliIo, options: GlobalOptions): Promise<void> {
  const paths = boardFor(io, options);
  const { lines, skipped, unknown } = readMetricsFile(paths.stateDir);
  const result = aggregate(lines);
  if (options.json) io.out(json({ ...result, skippedLines: skipped, unknownLines: unknown }));
  else io.out(renderStats(result));
  if (skipped > 0 && !options.json) io.err(`${skipped} unreadable line(s) in .git/beadboard/metrics.jsonl skipped${unknown > 0 ? ` (${unknown} of an event this version does not know)` : ""}\n`);
}
