import { aggregate } from "../../stats/aggregate.js";
import { readMetricsFile } from "../../stats/read.js";
import { renderStats } from "../../stats/render.js";
import { lastEvalPerAgent, readEvalLines, renderEvalStats } from "../../eval/results-file.js";
import { renderToolUse, toolUse } from "../../stats/tools.js";
import { beadsWithTranscripts, readAttempts } from "../../harness/transcript-files.js";
import { lastChecks, summarizeCheck } from "../../model/check-log.js";
import { modelSwitches, renderModelSwitches } from "../../stats/model-switches.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";

/** `bead stats [--json]`: throughput, latency, tokens, cost, local share, from .git/beadboard/metrics.jsonl; the last `bead eval` of each agent from evals.jsonl. */
export async function stats(io: CliIo, options: GlobalOptions): Promise<void> {
  const paths = boardFor(io, options);
  const { lines, skipped, unknown } = readMetricsFile(paths.stateDir);
  const result = aggregate(lines);
  const evals = readEvalLines(paths.stateDir).lines;
  const tools = toolUse(beadsWithTranscripts(paths.gitdir).map((bead) => ({ bead, attempts: readAttempts(paths.gitdir, bead).map((entry) => entry.summary) })));
  const checks = [...lastChecks(paths.stateDir).values()];
  const switches = modelSwitches(lines);
  if (options.json) {
    io.out(json({ ...result, tools, skippedLines: skipped, unknownLines: unknown, evals: lastEvalPerAgent(evals), ...(checks.length === 0 ? {} : { modelChecks: checks }), ...(switches ? { modelScheduling: switches } : {}) }));
  } else {
    io.out(`${renderStats(result)}\n${renderToolUse(tools)}${renderEvalStats(evals)}`);
    if (switches) io.out(renderModelSwitches(switches));
    // The last `bead models check` of each agent: is its model fast enough, does its prompt fit.
    if (checks.length > 0) io.out(`\nlast models check:\n${checks.map((check) => `  ${check.agent}: ${summarizeCheck(check)}\n`).join("")}`);
  }
  if (skipped > 0 && !options.json) io.err(`${skipped} unreadable line(s) in .git/beadboard/metrics.jsonl skipped${unknown > 0 ? ` (${unknown} of an event this version does not know)` : ""}\n`);
}
