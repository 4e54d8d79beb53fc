import { aggregate } from "../../stats/aggregate.js";
import { readMetricsFile } from "../../stats/read.js";
import { renderStats } from "../../stats/render.js";
import { renderToolUse, toolUse } from "../../stats/tools.js";
import { beadsWithTranscripts, readAttempts } from "../../harness/transcript-files.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";

/** `bead stats [--json]`: throughput, latency, tokens, cost, local share, from .git/beadboard/metrics.jsonl. */
export async function stats(io: CliIo, options: GlobalOptions): Promise<void> {
  const paths = boardFor(io, options);
  const { lines, skipped } = readMetricsFile(paths.stateDir);
  const result = aggregate(lines);
  const tools = toolUse(beadsWithTranscripts(paths.gitdir).map((bead) => ({ bead, attempts: readAttempts(paths.gitdir, bead).map((entry) => entry.summary) })));
  if (options.json) io.out(json({ ...result, tools, skippedLines: skipped }));
  else io.out(`${renderStats(result)}\n${renderToolUse(tools)}`);
  if (skipped > 0 && !options.json) io.err(`${skipped} unreadable line(s) in .git/beadboard/metrics.jsonl skipped\n`);
}
