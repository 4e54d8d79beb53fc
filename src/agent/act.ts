/**
 * The acting path of the worker (DESIGN §12): an agent with `tools:` works the bead in its own
 * git worktree on branch bead/<id> through the tool loop. The person's checkout is never touched:
 * done → the change is committed on the branch (author: the agent) and the result names branch,
 * commit and diffstat; failed, blocked or stopped → the worktree goes (the branch too, unless it
 * holds commits of an earlier attempt).
 */
import { realpathSync } from "node:fs";
import { hostname } from "node:os";
import * as z from "../schema/zod.js";
import type { BeadWithBody } from "../bead/fields.js";
import type { WorkResult } from "../claim/write-back.js";
import { agentIdentity } from "../git/author.js";
import { runToolLoop, type FinishReply, type LoopEvent } from "../harness/loop.js";
import { replySchema, type Reply } from "../harness/reply.js";
import { sensitivityResultGate } from "../harness/result-gate.js";
import { HARNESS_TOOLS } from "../harness/tools/index.js";
import { fileTranscript, nextTranscriptAttempt, transcriptPath } from "../harness/transcript.js";
import { commitWorkspace, openWorkspace, removeWorkspace, type Workspace } from "../workspace/workspace.js";
import { followupFactory } from "./act-followups.js";
import { carriedReply, trackSeenLevel } from "./act-privacy.js";
import { carryLevel } from "./derived-level.js";
import { workspaceRepository } from "./act-workspace.js";
import { actWithExec } from "./act-exec.js";
import { pushWorkBranch, sameRepository } from "./act-push.js";
import type { ActInput, ActOutcome, WorkerEnv } from "./worker-env.js";

export type { ActInput, ActOutcome } from "./worker-env.js";

export const TOOL_NOTE =
  "You work in a git worktree of the repository (paths are relative to its root). Use the tools to look, change and test; " +
  "when the work is finished, call finish with your result and outcome. Your changes are committed for you.";

export async function actOnBead(input: ActInput): Promise<ActOutcome> {
  const { env, bead, signal } = input;
  if (env.agent.fields.provider === "exec") return actWithExec(input);
  const { agent, metrics } = env;
  const id = bead.id;
  const repoDir = workspaceRepository(agent, env.ctx.paths.root);
  const ws = await openWorkspace({ repoDir, beadId: id, signal });
  const declared = bead.fields.sensitivity;
  const seen = trackSeenLevel(sensitivityResultGate({ beadId: id, agent: agent.name, locality: env.locality, policy: env.gatePolicy, declared: input.sensitivity, privatePaths: env.config.policy.privatePaths ?? [] }), input.sensitivity);
  try {
    const started = performance.now();
    const tokens = { in: 0, out: 0 };
    const outcome = await runToolLoop({
      provider: env.provider ?? missingProvider(),
      model: agent.fields.model ?? "",
      messages: [...input.messages, { role: "system", content: TOOL_NOTE }],
      tools: input.tools ?? HARNESS_TOOLS,
      toolNames: offeredTools(agent.fields.tools ?? []),
      ctx: { root: realpathSync(ws.dir), allow: agent.fields.allow, newBead: followupFactory(env, id, { derived: seen.level, declared }) },
      maxSteps: agent.fields.max_steps,
      timeoutMs: agent.fields.timeout,
      signal,
      options: agent.fields.options,
      gate: seen.gate,
      onEvent: (event) => recordEvent(env, id, event),
      ...(agent.fields.tool_calls === undefined ? {} : { actionMode: agent.fields.tool_calls }),
      onNote: (line) => env.log(`${id}: ${line}`),
      onReply: (reply) => {
        tokens.in += reply.tokensIn;
        tokens.out += reply.tokensOut;
        metrics.record({ event: "model_call", agent: agent.name, bead: id, model: reply.model, tokens_in: reply.tokensIn, tokens_out: reply.tokensOut, latency_ms: Math.round(reply.durationMs), locality: env.locality, ...(reply.loadMs === undefined ? {} : { load_ms: Math.round(reply.loadMs), tokens_per_s: reply.tokensPerSecond }) });
      },
      transcript: fileTranscript(transcriptPath(env.ctx.paths.gitdir, id, nextTranscriptAttempt(env.ctx.paths.gitdir, id, bead.fields.attempts + 1))),
    });
    const stats = { model: agent.fields.model ?? "", tokensIn: tokens.in, tokensOut: tokens.out, durationMs: performance.now() - started };
    if (outcome.stop === "aborted") throw signal.reason instanceof Error ? signal.reason : new Error("the work was stopped");
    if (!outcome.reply) {
      await removeWorkspace(ws);
      return { kind: "failed", reason: `guardrail ${outcome.stop}: ${outcome.reason}` };
    }
    // What comes back is as sensitive as everything the model saw on the way.
    const reply = carriedReply(validReply(outcome.reply), seen.level(), declared);
    const result = carryLevel(outcome.reply.result, seen.level(), declared);
    if (outcome.reply.outcome !== "done") {
      await removeWorkspace(ws);
      return { kind: "finish", work: { outcome: outcome.reply.outcome, result, stats }, reply };
    }
    return { kind: "finish", work: { ...(await commitDone(ws, env, bead, result)), stats }, reply };
  } catch (error) {
    await removeWorkspace(ws).catch(() => undefined); // the first error is the one worth reporting
    throw error;
  }
}

/** Done: commit the worktree's changes as the agent, then let the worktree go; the branch stays. */
async function commitDone(ws: Workspace, env: WorkerEnv, bead: BeadWithBody, result: string): Promise<Omit<WorkResult, "stats">> {
  const commit = await commitWorkspace(ws, { author: agentIdentity(env.agent.name, hostname()), message: `${bead.id}: ${bead.fields.title}` });
  await removeWorkspace(ws);
  if (!commit) return { outcome: "done", result: `${result}\n\n(No files were changed.)` };
  // A `workspace:` repository's branch is merged there (git merge), not with `bead merge`: say where it is.
  const where = sameRepository(ws.repoDir, env.ctx.paths.root) ? "" : ` in ${ws.repoDir}`;
  const summary = `Branch \`${commit.branch}\`${where}, commit ${commit.commit.slice(0, 12)}:\n\n\`\`\`\n${commit.diffstat}\n\`\`\``;
  const pushed = await pushWorkBranch(ws, env, commit.branch);
  return { outcome: "done", result: `${result}\n\n${summary}${pushed}`, fields: { branch: commit.branch } };
}

/** finish's memory and follow-ups, in today's reply shape; a malformed set is dropped, never written. */
function validReply(reply: FinishReply): Reply | undefined {
  const parsed = z.safeParse(replySchema, reply);
  return parsed.success ? parsed.data : undefined;
}

function recordEvent(env: WorkerEnv, id: string, event: LoopEvent): void {
  const common = { agent: env.agent.name, bead: id, tool: event.tool, step: event.step, reason: event.reason };
  if (event.event === "gate") env.metrics.record({ event: "gate", ...common, decision: "block", locality: env.locality });
  else env.metrics.record({ event: "guardrail", ...common, category: event.category });
  env.log(`${id}: ${event.event === "gate" ? "gate" : event.category}: ${event.reason}`);
}

/** finish is how every acting loop ends, so it is offered whether or not the agent file lists it. */
export function offeredTools(listed: readonly string[]): string[] {
  return [...new Set([...listed, "finish"])];
}

function missingProvider(): never {
  throw new Error("an acting agent needs a model provider (provider: ollama, openai or embedded)");
}
