import { findAgent, loadAgents } from "../../agent/load.js";
import { readBoardConfig } from "../../board/config.js";
import { InvalidArgumentError } from "../../errors.js";
import { evaluable, evaluateAgent } from "../../eval/evaluate-agent.js";
import { loadBoardTasks, loadBuiltinTasks, selectTasks } from "../../eval/load-tasks.js";
import { DEFAULT_MIN_PASS, renderEval, type AgentEval } from "../../eval/summary.js";
import { EXIT } from "../exit-codes.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";
import { untilTerminated } from "../terminate.js";

export interface EvalOptions extends GlobalOptions {
  parallel?: string;
  only?: string[];
  builtin?: boolean;
  minPass?: string;
  list?: boolean;
}

/**
 * `bead eval [agent…]`: a tool-use evaluation of each agent's model through the real harness
 * (docs/EVAL.md). Exit 0 when every agent evaluated is ready, 1 when one is not.
 */
export async function evalAgents(io: CliIo, names: string[], options: EvalOptions): Promise<number> {
  const paths = boardFor(io, options);
  const parallel = options.parallel === undefined ? undefined : positiveInt(options.parallel, "--parallel", 64);
  const minPass = options.minPass === undefined ? DEFAULT_MIN_PASS : fraction(options.minPass);
  const tasks = selectTasks(options.builtin === false ? [] : loadBuiltinTasks(), loadBoardTasks(paths.root), { builtin: options.builtin !== false, only: options.only ?? [] });
  if (options.list) {
    const rows = tasks.map((task) => ({ id: task.id, category: task.category, title: task.title, source: task.source }));
    if (options.json) io.out(json(rows));
    else for (const row of rows) io.out(`${row.id.padEnd(22)} ${row.category.padEnd(16)} ${row.title} (${row.source})\n`);
    return EXIT.ok;
  }
  const loaded = loadAgents(paths);
  const agents = names.length > 0 ? names.map((name) => findAgent(loaded, name)) : loaded.agents.filter(evaluable);
  if (agents.length === 0) throw new InvalidArgumentError("no agent with a model to evaluate: add one under agents/ (provider ollama, openai or embedded) or name it");
  const config = await readBoardConfig(paths.configFile);
  const termination = untilTerminated();
  const results: AgentEval[] = [];
  try {
    // One agent at a time: evaluating two models at once on one server would make it swap models, and time each badly.
    for (const agent of agents) {
      if (termination.signal.aborted) break;
      if (!options.json) io.err(`bead eval: ${agent.name} (${agent.fields.model ?? "?"}): ${tasks.length} task(s)\n`);
      const result = await evaluateAgent({
        paths,
        config,
        agent,
        env: io.env,
        tasks,
        minPass,
        signal: termination.signal,
        ...(parallel !== undefined ? { parallel } : {}),
        onTask: (task) => {
          if (!options.json) io.err(`  ${task.passed ? "pass" : "FAIL"} ${task.id} (${task.category}, ${task.steps} step(s), ${(task.durationMs / 1000).toFixed(1)} s)\n`);
        },
      });
      results.push(result);
      if (!options.json) io.out(renderEval(result));
    }
  } finally {
    termination.dispose();
  }
  if (options.json) io.out(json(results));
  const stoppedBy = termination.exitCode();
  if (stoppedBy !== undefined) return stoppedBy;
  return results.every((result) => result.ready) ? EXIT.ok : EXIT.failure;
}

function positiveInt(text: string, flag: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new InvalidArgumentError(`${flag} takes a whole number from 1 to ${max}, got ${text}`);
  return value;
}

function fraction(text: string): number {
  const value = text.endsWith("%") ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 1) throw new InvalidArgumentError(`--min-pass takes a share of tasks such as 0.75 or 75%, got ${text}`);
  return value;
}
