import { ConfigError, ParseError } from "../errors.js";
import { keepPendingWriteBack, keepResult } from "./kept-result.js";
import { readBoardFileText } from "../board/safe-read.js";
import { carryLevel, carryNoteLevel, memoryCeiling } from "./derived-level.js";
import { notesVisibleAt } from "./memory-notes-visible.js";
import { join } from "node:path";
import { getSection } from "../bead/edit.js";
import type { BeadWithBody, Sensitivity } from "../bead/fields.js";
import { beadPath } from "../board/paths.js";
import { parseBeadFile } from "../board/read-bead.js";
import type { WorkResult } from "../claim/write-back.js";
import { ClaimRefusedError, GitError, isBeadboardError, ModelError, ModelFileMissingError, ModelUnreachableError } from "../errors.js";
import { decide } from "../policy/gate.js";
import { actOnBead } from "./act.js";
import { askModel } from "./ask-model.js";
import { admitFollowups, countFollowups } from "./followup-limit.js";
import { createFollowUp } from "./followup-bead.js";
import { loadBoard } from "../board/load.js";
import { runBuiltin } from "./builtin/index.js";
import { buildContext } from "./context.js";
import { escalateAfterFailure } from "./escalate.js";
import { keepPrivateNotesLocal, withMemoryLevels } from "./memory-level.js";
import { planEpic } from "./planner.js";
import { runShadow } from "./shadow.js";
import { agentMemoryPath, compactMemory, readMemory, rememberNotes } from "./memory-writer.js";
import type { Reply } from "../harness/reply.js";
import type { WorkerEnv, WorkOutcome } from "./worker-env.js";

export type { WorkerEnv, WorkOutcome } from "./worker-env.js";

/** Claim one bead, work it, write it back. Never throws for a problem with the bead or the model. */
export async function workBead(env: WorkerEnv, id: string, shutdown: AbortSignal): Promise<WorkOutcome> {
  const { agent, claimer, metrics } = env;
  const name = agent.name;
  // Queued work (behind a shared model-server limit, say) may start after the stop: claim nothing then.
  if (shutdown.aborted) return "skipped";
  try {
    await claimer.claim(id, name, agent.fields.lease);
  } catch (error) {
    if (error instanceof ClaimRefusedError || isBeadboardError(error)) return "skipped";
    throw error;
  }
  metrics.record({ event: "claim", agent: name, bead: id });
  const abort = new AbortController();
  const onShutdown = () => abort.abort(new Error("agent shutting down"));
  if (shutdown.aborted) onShutdown(); // stopped while we were claiming
  else shutdown.addEventListener("abort", onShutdown, { once: true });
  const unregister = env.holding(id, abort);
  try {
    await claimer.publish();
    return await workClaimed(env, id, abort.signal);
  } catch (error) {
    if (abort.signal.aborted) {
      await safeRelease(env, id, shutdown.aborted ? "agent stopped" : "claim lost");
      return "released";
    }
    const unusable = modelUnusable(env, error);
    if (unusable) {
      // Nothing is wrong with the bead: give it back without counting an attempt.
      env.unreachable?.(unusable);
      await safeRelease(env, id, unusable.reason);
      return "unreachable";
    }
    const reason = error instanceof Error ? error.message : String(error);
    return finishFailedTry(env, id, reason);
  } finally {
    unregister();
    shutdown.removeEventListener("abort", onShutdown);
  }
}

async function workClaimed(env: WorkerEnv, id: string, signal: AbortSignal): Promise<WorkOutcome> {
  const { agent, metrics } = env;
  const started = performance.now();
  metrics.record({ event: "start", agent: agent.name, bead: id });
  const bead = parseBeadFile(join(env.ctx.paths.root, beadPath(id)), id);
  if (agent.fields.role === "planner" && bead.fields.type === "epic") {
    const step = await planEpic(env, bead, signal);
    if (step.kind === "finish") return finish(env, id, step.work, undefined, started);
    await env.claimer.publish();
    return "planned";
  }
  if (!env.provider && agent.fields.provider !== "exec") return finish(env, id, await runBuiltin(env.ctx, agent, bead, signal), undefined, started);
  // Memory per note: the notes this provider may not see are left out, not the whole file.
  const ceiling = memoryCeiling(env.locality, env.gatePolicy);
  const visible = (path: string) => {
    const notes = notesVisibleAt(readMemory(env.ctx, path), ceiling, (beadId) => beadLevel(env, beadId));
    if (notes.withheld > 0) env.log(`${id}: ${path}: ${notes.withheld} note(s) above ${ceiling} left out for this ${env.locality} model`);
    return notes.text;
  };
  const context = buildContext({
    agentName: agent.name,
    systemPrompt: agent.prompt,
    bead,
    deps: readDeps(env, bead),
    sharedMemory: visible("memory/MEMORY.md"),
    agentMemory: visible(agentMemoryPath(agent.name)),
    budgetTokens: agent.fields.memory_budget ?? env.config.tokenBudget,
  });
  for (const note of context.notes) env.log(`${id}: ${note}`);
  const numCtx = typeof agent.fields.options.num_ctx === "number" ? agent.fields.options.num_ctx : undefined;
  if (numCtx !== undefined && context.tokens > numCtx) {
    env.log(`${id}: warning: the prompt is about ${context.tokens} tokens but num_ctx is ${numCtx}; Ollama would cut it. Raise num_ctx in agents/${agent.name}.md or lower token_budget`);
    metrics.record({ event: "guardrail", agent: agent.name, bead: id, reason: "prompt exceeds num_ctx", tokens: context.tokens, num_ctx: numCtx });
  }
  // Memory is as sensitive as the beads its notes came from (memory-level.ts).
  const parts = withMemoryLevels(context.parts, (beadId) => beadLevel(env, beadId));
  const gate = decide({ beadId: id, inputs: parts, provider: { name: agent.name, locality: env.locality } }, env.gatePolicy);
  metrics.record({ event: "gate", agent: agent.name, bead: id, provider: env.provider?.host ?? agent.fields.provider, locality: env.locality, sensitivity: gate.sensitivity, decision: gate.allowed ? "allow" : "block", reason: gate.reason, bytes: gate.allowed ? gate.bytes : 0 });
  if (!gate.allowed) {
    env.log(`${id}: sensitivity gate refused ${env.locality} model ${agent.fields.model}: ${gate.reason}`);
    return finish(env, id, { outcome: "blocked", result: `Not sent to ${agent.name}: ${gate.reason}. Assign a local agent (agent: <name>) or remove the sensitive content, then reopen.`, reason: `sensitivity gate: ${gate.reason}` }, undefined, started);
  }
  if (agent.fields.provider === "exec" || (agent.fields.tools !== undefined && agent.fields.tools.length > 0)) {
    const acted = await actOnBead({ env, bead, messages: context.messages, sensitivity: gate.sensitivity, signal });
    return acted.kind === "failed" ? finishFailedTry(env, id, acted.reason) : finish(env, id, acted.work, acted.reply, started);
  }
  if (!env.provider) throw new ConfigError(`${agent.path}: provider ${agent.fields.provider} has no model client`);
  const answer = await askModel({
    provider: env.provider,
    model: agent.fields.model ?? "",
    messages: context.messages,
    options: agent.fields.options,
    timeoutMs: agent.fields.timeout,
    signal,
    retries: 2,
    ...(env.config.maxReplyBytes !== undefined ? { maxReplyBytes: env.config.maxReplyBytes } : {}),
    onCall: (reply, attempt) => metrics.record({ event: "model_call", agent: agent.name, bead: id, model: reply.model, tokens_in: reply.tokensIn, tokens_out: reply.tokensOut, latency_ms: Math.round(reply.durationMs), attempt, locality: env.locality, price_per_1k: agent.fields.price_per_1k, ...(reply.loadMs === undefined ? {} : { load_ms: Math.round(reply.loadMs), tokens_per_s: reply.tokensPerSecond }) }),
    onInvalid: (error, attempt) => metrics.record({ event: "retry", agent: agent.name, bead: id, reason: error, attempt }),
  });
  const tokensIn = answer.calls.reduce((sum, call) => sum + call.tokensIn, 0);
  const tokensOut = answer.calls.reduce((sum, call) => sum + call.tokensOut, 0);
  const stats = { model: agent.fields.model ?? "", tokensIn, tokensOut, durationMs: performance.now() - started };
  if (!answer.ok) return finishFailedTry(env, id, answer.error);
  // Shadow mode: the same context to the other agent's model, if the gate allows it there; measured, never written.
  await runShadow(env, id, { messages: context.messages, parts }, { reply: answer.reply, calls: answer.calls }, signal, { fields: bead.fields, approve: env.config.policy.approve ?? [] });
  // What comes back is as sensitive as what went in: the result and the notes carry the level.
  const derived = gate.sensitivity;
  const declared = bead.fields.sensitivity;
  const reply = { ...answer.reply, memory: answer.reply.memory.map((note) => ({ ...note, note: carryNoteLevel(note.note, derived, declared) })) };
  return finish(env, id, { outcome: answer.reply.outcome, result: carryLevel(answer.reply.result, derived, declared), stats }, keepPrivateNotesLocal(reply, derived), started);
}

async function finish(env: WorkerEnv, id: string, work: WorkResult, proposed: Reply | undefined, started: number): Promise<WorkOutcome> {
  const { agent, metrics } = env;
  // Follow-ups past a bound are not created; the proposal stays readable in the result.
  const bounded = proposed && proposed.followups.length > 0 ? await boundFollowups(env, id, proposed) : undefined;
  const reply = bounded?.reply ?? proposed;
  if (bounded?.refusedText) work = { ...work, result: `${work.result}\n\n${bounded.refusedText}` };
  env.settling?.(id);
  let written;
  try {
    written = await env.claimer.writeBack(id, agent.name, { ...work, stats: { ...work.stats, durationMs: work.stats?.durationMs ?? performance.now() - started } });
  } catch (error) {
    // The bead file became unreadable while we worked (a person's invalid save), or HEAD moved
    // to a person's branch (`bead up` is stopping): keep the work, to be written back later.
    if (!(error instanceof ParseError) && !(error instanceof GitError && error.data.code === "HEAD_MOVED")) throw error;
    const kept = keepResult(env.ctx.paths.stateDir, id, agent.name, work.result, error.message);
    keepPendingWriteBack(env.ctx.paths.stateDir, id, agent.name, work, kept);
    const how = error instanceof ParseError ? `Fix beads/${id}.md (bead lint): the result is written back and the claim ended as soon as the file reads again (by this bead up, or the next one)` : "The next bead up on the board's branch writes it back";
    env.log(`${id}: result not written: ${error.message}; kept in ${kept}. ${how}`);
    metrics.record({ event: "result_kept", agent: agent.name, bead: id, file: kept, reason: error.message });
    return "failed";
  }
  if (written.kind === "late") {
    env.log(`${id}: claim was lost while working; result kept as a late section`);
    metrics.record({ event: "late", agent: agent.name, bead: id });
    await env.claimer.publish();
    return "late";
  }
  metrics.record({ event: work.outcome, agent: agent.name, bead: id, model: work.stats?.model, duration_ms: Math.round(performance.now() - started), reason: work.reason });
  if (reply) await recordSideEffects(env, id, reply);
  // A model that says `outcome: failed` failed as surely as one that ran out of attempts.
  if (work.outcome === "failed" && reply !== undefined && env.locality === "local") await escalateAfterFailure(env, id, agent.name);
  await env.claimer.publish();
  env.log(`${id}: ${work.outcome}`);
  return work.outcome;
}

async function boundFollowups(env: WorkerEnv, id: string, reply: Reply): Promise<{ reply: Reply; refusedText?: string }> {
  const limits = env.config.followups;
  const board = await loadBoard(env.ctx.paths);
  const verdict = admitFollowups(reply.followups.length, countFollowups(board.beads, board.byId, id, limits, Date.now()), limits);
  if (verdict.reason === undefined) return { reply };
  const refused = reply.followups.slice(verdict.admitted);
  env.metrics.record({ event: "guardrail", agent: env.agent.name, bead: id, reason: "followup_limit", detail: verdict.reason, refused: refused.length });
  env.log(`${id}: ${refused.length} follow-up(s) not created: ${verdict.reason}`);
  const text = [`Proposed follow-ups not created (${verdict.reason}):`, ...refused.map((f) => `- ${f.title.slice(0, 200)}${f.body ? `: ${f.body.slice(0, 500).replace(/\s+/g, " ")}` : ""}`)].join("\n");
  return { reply: { ...reply, followups: reply.followups.slice(0, verdict.admitted) }, refusedText: text };
}

/** Follow-up beads and memory notes; a failure here must not undo the result already written. */
async function recordSideEffects(env: WorkerEnv, id: string, reply: Reply): Promise<void> {
  const { agent, ctx, metrics } = env;
  try {
    for (const followup of reply.followups) {
      const childId = await createFollowUp(env, id, followup);
      metrics.record({ event: "followup", agent: agent.name, bead: id, created: childId });
    }
    const today = new Date().toISOString().slice(0, 10);
    const added = await rememberNotes(ctx, agent.name, id, reply.memory, today);
    if (added > 0) metrics.record({ event: "memory", agent: agent.name, bead: id, added });
    for (const path of [agentMemoryPath(agent.name), "memory/MEMORY.md"]) {
      const summarize = env.provider ? (text: string) => summarizeMemory(env, text) : undefined;
      await compactMemory(ctx, path, env.config.memoryCapBytes, summarize, today);
    }
  } catch (error) {
    env.log(`${id}: could not record follow-ups or memory: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function summarizeMemory(env: WorkerEnv, text: string): Promise<string> {
  if (!env.provider || env.locality === "remote") throw new Error("memory is summarised by local models only");
  const reply = await env.provider.chat({
    model: env.agent.fields.model ?? "",
    messages: [
      { role: "system", content: "Summarise these notes into a short bullet list of the facts still worth knowing. Reply with the bullets only." },
      { role: "user", content: text },
    ],
    options: env.agent.fields.options,
    timeoutMs: env.agent.fields.timeout,
  });
  return reply.content;
}

async function finishFailedTry(env: WorkerEnv, id: string, reason: string): Promise<WorkOutcome> {
  const { agent, metrics } = env;
  let attempts = 0;
  try {
    attempts = parseBeadFile(join(env.ctx.paths.root, beadPath(id)), id).fields.attempts + 1;
  } catch {
    attempts = Number.POSITIVE_INFINITY; // unreadable now: do not loop on it
  }
  const maxAttempts = agent.fields.max_attempts ?? env.config.maxAttempts;
  env.settling?.(id);
  if (attempts >= maxAttempts) {
    metrics.record({ event: "failed", agent: agent.name, bead: id, reason, attempts: Math.min(attempts, maxAttempts) });
    env.log(`${id}: failed after ${Math.min(attempts, maxAttempts)} attempt(s): ${reason}`);
    await env.claimer.writeBack(id, agent.name, { outcome: "failed", result: `Failed: ${reason}`, reason }).catch(() => undefined);
    if (env.locality === "local") await escalateAfterFailure(env, id, agent.name);
    await env.claimer.publish().catch(() => undefined);
    return "failed";
  }
  env.log(`${id}: attempt ${attempts} of ${maxAttempts} failed (${reason}); released for another try`);
  await safeRelease(env, id, reason, true);
  return "released";
}

async function safeRelease(env: WorkerEnv, id: string, reason: string, countAttempt = false): Promise<void> {
  env.settling?.(id);
  try {
    await env.claimer.release(id, env.agent.name, { reason, countAttempt });
    env.metrics.record({ event: "release", agent: env.agent.name, bead: id, reason, attempt_counted: countAttempt });
    await env.claimer.publish();
  } catch (error) {
    env.log(`${id}: could not release (${error instanceof Error ? error.message : String(error)}); the lease will lapse`);
  }
}

function readDeps(env: WorkerEnv, bead: BeadWithBody) {
  return bead.fields.deps.flatMap((depId) => {
    try {
      const dep = parseBeadFile(join(env.ctx.paths.root, beadPath(depId)), depId);
      return [{ id: depId, title: dep.fields.title, result: getSection(readBoardFileText(join(env.ctx.paths.root, beadPath(depId)), beadPath(depId)), "Result"), sensitivity: dep.fields.sensitivity }];
    } catch {
      return [];
    }
  });
}

/**
 * The model cannot be used at all, through no fault of the bead: the server does not answer, or
 * it answers that it does not have the model. Such beads are released, not failed.
 */
function modelUnusable(env: WorkerEnv, error: unknown): { what: string; hint: string; reason: string } | undefined {
  const { fields } = env.agent;
  const model = fields.model ?? "<model>";
  const ollama = fields.provider === "ollama";
  if (error instanceof ModelFileMissingError) {
    return { what: error.message, hint: error.fetchCommand ? "bead up downloads only for an agent with `pull: auto`; `bead doctor` lists every missing model" : `put the model file at ${error.modelPath}`, reason: "model file missing" };
  }
  if (error instanceof ModelUnreachableError) {
    return { what: error.message, hint: ollama ? `start it with \`ollama serve\`, then \`ollama pull ${model}\`` : "start the model server", reason: "model unreachable" };
  }
  if (error instanceof ModelError && error.data.status === 404 && /not found/i.test(error.message)) {
    return { what: `model ${model} is not on ${env.provider?.host ?? "the model server"}`, hint: ollama ? `run \`ollama pull ${model}\`` : "load it on the server", reason: `model ${model} not found` };
  }
  return undefined;
}

/** A bead's declared sensitivity, or undefined when there is no such bead. */
function beadLevel(env: WorkerEnv, id: string): Sensitivity | undefined {
  try {
    return parseBeadFile(join(env.ctx.paths.root, beadPath(id)), id).fields.sensitivity;
  } catch {
    return undefined;
  }
}
