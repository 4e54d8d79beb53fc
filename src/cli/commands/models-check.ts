import { loadAgents } from "../../agent/load.js";
import type { AgentDefinition } from "../../agent/schema.js";
import { readBoardConfig } from "../../board/config.js";
import { NotFoundError, isBeadboardError } from "../../errors.js";
import { appendChecks, type CheckRecord } from "../../model/check-log.js";
import { readApiKey } from "../../model/call.js";
import { providerFor } from "../../agent/provider-for.js";
import { runProbe } from "../../model/probe.js";
import { DEFAULT_THRESHOLDS, judge, planContexts, type ProbeResult, type ReadinessThresholds } from "../../model/readiness.js";
import { EXIT } from "../exit-codes.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";
import { untilTerminated } from "../terminate.js";

/** A probe that has not finished by then is reported as failed; a slow model gets its verdict without it. */
const PROBE_TIMEOUT_MS = 5 * 60_000;

/**
 * `bead models check [agent...]`: for each agent's model on its server, time to first token,
 * prompt and generation tokens/s and memory at a short and a long context, whether prompts are
 * cut, and a verdict against `model_check:`. Appended to .git/beadboard/models.jsonl. Exit 1
 * when any checked model is not ready.
 */
export async function modelsCheck(io: CliIo, names: string[], options: GlobalOptions): Promise<number> {
  const paths = boardFor(io, options);
  const config = await readBoardConfig(paths.configFile);
  const thresholds = config.modelCheck ?? DEFAULT_THRESHOLDS;
  const loaded = loadAgents(paths);
  for (const name of names) {
    if (!loaded.agents.some((agent) => agent.name === name)) throw new NotFoundError("agent", name, `no valid agents/${name}.md (bead agent ls lists them)`);
  }
  const chosen = loaded.agents.filter((agent) => (names.length === 0 ? agent.fields.provider !== "builtin" : names.includes(agent.name)));
  const records: CheckRecord[] = [];
  // Ctrl-C stops the probe in flight (a slow model can take minutes); the checks finished are kept.
  const termination = untilTerminated();
  try {
    for (const agent of chosen) {
      if (termination.signal.aborted) break;
      if (agent.fields.provider === "builtin" || !agent.fields.model) {
        if (!options.json) io.out(`${agent.name}: no model to check (provider ${agent.fields.provider})\n`);
        continue;
      }
      const record = await checkAgent(agent, io.env, config.tokenBudget, thresholds, termination.signal);
      if (termination.signal.aborted) break;
      records.push(record);
      if (!options.json) io.out(renderCheck(record));
    }
  } finally {
    termination.dispose();
  }
  appendChecks(paths.stateDir, records);
  if (options.json) io.out(json(records));
  return termination.exitCode() ?? (records.every((record) => record.ready) ? EXIT.ok : EXIT.failure);
}

async function checkAgent(agent: AgentDefinition, env: NodeJS.ProcessEnv, tokenBudget: number, thresholds: ReadinessThresholds, signal: AbortSignal): Promise<CheckRecord> {
  const plan = planContexts(agent.fields.options, tokenBudget);
  const base = {
    at: new Date().toISOString(),
    agent: agent.name,
    provider: agent.fields.provider,
    model: agent.fields.model ?? "",
    num_ctx: plan.numCtx,
    num_ctx_from: plan.numCtxFrom,
  };
  const probes: ProbeResult[] = [];
  let host: string | undefined;
  try {
    const provider = providerFor(agent, env);
    if (!provider) throw new Error("no provider");
    host = provider.host;
    const key = readApiKey(agent.fields.api_key_env, env);
    const target = {
      provider,
      model: base.model,
      options: agent.fields.options,
      ...(key === undefined ? {} : { headers: { Authorization: `Bearer ${key}` } }),
      timeoutMs: Math.min(agent.fields.timeout, PROBE_TIMEOUT_MS),
    };
    probes.push(await runProbe(target, "short", plan.shortTokens, signal));
    probes.push(await runProbe(target, "long", plan.longTokens, signal));
  } catch (error) {
    const why = isBeadboardError(error) || error instanceof Error ? error.message : String(error);
    return { ...base, ...(host === undefined ? {} : { host }), probes, ready: false, reasons: [why], error: why };
  }
  const verdict = judge(probes, plan, thresholds);
  return { ...base, ...(host === undefined ? {} : { host }), probes, ready: verdict.ready, reasons: verdict.reasons };
}

function renderCheck(record: CheckRecord): string {
  const lines = [`${record.agent}: ${record.model} on ${record.host ?? "this process"} (${record.provider}), num_ctx ${record.num_ctx} (${record.num_ctx_from === "agent" ? "agent file" : "not set; board token budget"})`];
  for (const p of record.probes) {
    const rate = (n: number | undefined) => (n === undefined ? "?" : `${Math.round(n * 10) / 10}`);
    const load = p.loadMs !== undefined && p.loadMs > 0 ? ` (load ${seconds(p.loadMs)})` : "";
    const memory = p.memory?.size !== undefined ? `, memory ${gigabytes(p.memory.size)} (VRAM ${gigabytes(p.memory.sizeVram ?? 0)})` : p.memory?.rss !== undefined ? `, RSS ${gigabytes(p.memory.rss)}` : "";
    lines.push(
      `  ${p.context.padEnd(5)} ${String(p.sentTokens).padStart(6)} tokens sent, ${p.promptTokens} read${p.cut ? " (CUT)" : ""}: first token ${seconds(p.firstTokenMs)}${load}, prompt ${rate(p.promptTokensPerSecond)} tokens/s, generation ${rate(p.evalTokensPerSecond)} tokens/s${memory} [${p.source}]`,
    );
  }
  lines.push(record.ready ? "  ready" : `  NOT READY: ${record.reasons.join("; ")}`);
  return `${lines.join("\n")}\n`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}

function gigabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 ** 3) * 10) / 10} GiB`;
}
