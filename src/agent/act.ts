/**
 * The acting path of the worker (DESIGN §12): an agent with `tools:` works the bead in its own
 * git worktree on branch bead/<id> through the tool loop. The person's checkout is never touched:
 * done → the change is committed on the branch (author: the agent) and the result names branch,
 * commit and diffstat; failed, blocked or stopped → the worktree goes (the branch too, unless it
 * holds commits of an earlier attempt).
 */
import { realpathSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import * as z from "../schema/zod.js";
import type { BeadWithBody, Sensitivity } from "../bead/fields.js";
import type { WorkResult } from "../claim/write-back.js";
import { agentIdentity } from "../git/author.js";
import type { LoopTool } from "../harness/calls.js";
import { runToolLoop, type FinishReply, type LoopEvent } from "../harness/loop.js";
import { sensitivityResultGate } from "../harness/result-gate.js";
import { HARNESS_TOOLS } from "../harness/tools/index.js";
import { fileTranscript, transcriptPath } from "../harness/transcript.js";
import type { ChatMessage } from "../model/provider.js";
import { commitWorkspace, openWorkspace, removeWorkspace, type Workspace } from "../workspace/workspace.js";
import { replySchema, type Reply } from "../harness/reply.js";
import type { WorkerEnv } from "./worker.js";

export interface ActInput {
  env: WorkerEnv;
  bead: BeadWithBody;
  /** The gated context (system prompt, bead, deps, memory), as a text-only agent would get it. */
  messages: ChatMessage[];
  /** The context's level: tool results are at least this sensitive. */
  sensitivity: Sensitivity;
  signal: AbortSignal;
  /** The tools by name; default the harness's (a test may pass its own). */
  tools?: Record<string, LoopTool>;
}

export type ActOutcome = { kind: "finish"; work: WorkResult; reply: Reply | undefined } | { kind: "failed"; reason: string };

const TOOL_NOTE =
  "You work in a git worktree of the repository (paths are relative to its root). Use the tools to look, change and test; " +
  "when the work is finished, call finish with your result and outcome. Your changes are committed for you.";

export async function actOnBead(input: ActInput): Promise<ActOutcome> {
  const { env, bead, signal } = input;
  const { agent, metrics } = env;
  const id = bead.id;
  const repoDir = agent.fields.workspace === undefined ? env.ctx.paths.root : resolve(env.ctx.paths.root, agent.fields.workspace);
  const ws = await openWorkspace({ repoDir, beadId: id, signal });
  try {
    const started = performance.now();
    const outcome = await runToolLoop({
      provider: env.provider ?? missingProvider(),
      model: agent.fields.model ?? "",
      messages: [...input.messages, { role: "system", content: TOOL_NOTE }],
      tools: input.tools ?? HARNESS_TOOLS,
      toolNames: agent.fields.tools ?? [],
      ctx: { root: realpathSync(ws.dir), allow: agent.fields.allow },
      maxSteps: agent.fields.max_steps,
      timeoutMs: agent.fields.timeout,
      signal,
      options: agent.fields.options,
      gate: sensitivityResultGate({ beadId: id, agent: agent.name, locality: env.locality, policy: env.gatePolicy, declared: input.sensitivity }),
      onEvent: (event) => recordEvent(env, id, event),
      onReply: (reply) => metrics.record({ event: "model_call", agent: agent.name, bead: id, model: reply.model, tokens_in: reply.tokensIn, tokens_out: reply.tokensOut, latency_ms: Math.round(reply.durationMs), locality: env.locality, ...(reply.loadMs === undefined ? {} : { load_ms: Math.round(reply.loadMs), tokens_per_s: reply.tokensPerSecond }) }),
      transcript: fileTranscript(transcriptPath(env.ctx.paths.gitdir, id, bead.fields.attempts + 1)),
    });
    const stats = { model: agent.fields.model ?? "", durationMs: performance.now() - started };
    if (outcome.stop === "aborted") throw signal.reason instanceof Error ? signal.reason : new Error("the work was stopped");
    if (!outcome.reply) {
      await removeWorkspace(ws);
      return { kind: "failed", reason: `guardrail ${outcome.stop}: ${outcome.reason}` };
    }
    const reply = validReply(outcome.reply);
    if (outcome.reply.outcome !== "done") {
      await removeWorkspace(ws);
      return { kind: "finish", work: { outcome: outcome.reply.outcome, result: outcome.reply.result, stats }, reply };
    }
    return { kind: "finish", work: { ...(await commitDone(ws, env, bead, outcome.reply.result)), stats }, reply };
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
  const summary = `Branch \`${commit.branch}\`, commit ${commit.commit.slice(0, 12)}:\n\n\`\`\`\n${commit.diffstat}\n\`\`\``;
  return { outcome: "done", result: `${result}\n\n${summary}`, fields: { branch: commit.branch } };
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

function missingProvider(): never {
  throw new Error("an acting agent needs a model provider (provider: ollama, openai or embedded)");
}
