/**
 * `bead models check`, the pure part: from what a probe sent and what came back, the rates, the
 * time to first token and whether the prompt was cut; from those and the board's thresholds, a
 * verdict. No I/O: the probes are src/model/probe.ts.
 */
import type { ChatReply } from "./provider.js";
import type { ReadinessThresholds } from "../board/servers-config.js";

export { DEFAULT_THRESHOLDS, type ReadinessThresholds } from "../board/servers-config.js";

/** A server that counted fewer than this share of the tokens sent has cut the prompt. */
const CUT_SHARE = 0.75;

export interface ProbeResult {
  /** "short" or "long" (near the agent's num_ctx). */
  context: "short" | "long";
  /** Tokens sent, by our estimate (four characters a token). */
  sentTokens: number;
  /** Tokens the server says it read; 0 when it says nothing. */
  promptTokens: number;
  evalTokens: number;
  firstTokenMs: number;
  /** Where the numbers come from: the server's own durations, or our clock. */
  source: "server" | "client";
  promptTokensPerSecond?: number;
  evalTokensPerSecond?: number;
  loadMs?: number;
  /** The server counted clearly fewer tokens than were sent: it cut the prompt. */
  cut: boolean;
  /** Ollama's /api/ps for this model after the probe, or the process's RSS for an embedded model. */
  memory?: { size?: number; sizeVram?: number; rss?: number };
}

/** Rates from one reply. `wallMs` is how long the call took on our clock. */
export function measureReply(context: ProbeResult["context"], sentTokens: number, reply: ChatReply, wallMs: number): ProbeResult {
  const t = reply.timings ?? {};
  const perSecond = (tokens: number, ms: number | undefined) => (ms !== undefined && ms > 0 && tokens > 0 ? (tokens * 1000) / ms : undefined);
  const serverEval = perSecond(reply.tokensOut, t.evalMs);
  const source = serverEval !== undefined ? "server" : "client";
  // Without the server's durations: generation is from the first token to the end, on our clock.
  const clientEvalMs = t.firstTokenMs !== undefined ? wallMs - t.firstTokenMs : undefined;
  const evalTokensPerSecond = serverEval ?? reply.tokensPerSecond ?? perSecond(reply.tokensOut, clientEvalMs);
  const promptTokensPerSecond = perSecond(reply.tokensIn, t.promptMs) ?? perSecond(reply.tokensIn, t.firstTokenMs !== undefined ? t.firstTokenMs - (t.loadMs ?? reply.loadMs ?? 0) : undefined);
  const loadMs = t.loadMs ?? reply.loadMs;
  // The server's own account of the first token: load, read the prompt, write one token.
  const firstTokenMs =
    source === "server" && t.promptMs !== undefined && t.evalMs !== undefined
      ? (loadMs ?? 0) + t.promptMs + t.evalMs / Math.max(1, reply.tokensOut)
      : (t.firstTokenMs ?? wallMs);
  return {
    context,
    sentTokens,
    promptTokens: reply.tokensIn,
    evalTokens: reply.tokensOut,
    firstTokenMs,
    source,
    ...(promptTokensPerSecond === undefined ? {} : { promptTokensPerSecond }),
    ...(evalTokensPerSecond === undefined ? {} : { evalTokensPerSecond }),
    ...(loadMs === undefined ? {} : { loadMs }),
    cut: reply.tokensIn > 0 && reply.tokensIn < sentTokens * CUT_SHARE,
  };
}

export interface ContextPlan {
  /** The agent's num_ctx, else what its prompts need (token_budget), at least 4096. */
  numCtx: number;
  numCtxFrom: "agent" | "board";
  shortTokens: number;
  longTokens: number;
  /** The largest prompt the agent will send (the board's token_budget) plus its reply (num_predict) exceeds num_ctx. */
  budgetOverflows: boolean;
}

/** How big each probe is, from the agent's options and the board's token budget. */
export function planContexts(options: Record<string, unknown>, tokenBudget: number): ContextPlan {
  const numCtx = positive(options.num_ctx);
  const numPredict = positive(options.num_predict) ?? 0;
  const ctx = numCtx ?? Math.max(4096, tokenBudget);
  return {
    numCtx: ctx,
    numCtxFrom: numCtx === undefined ? "board" : "agent",
    shortTokens: 64,
    // Near the top, leaving room for the reply.
    longTokens: Math.max(128, Math.floor(ctx * 0.9) - 128),
    budgetOverflows: numCtx !== undefined && tokenBudget + numPredict > numCtx,
  };
}

export interface Verdict {
  ready: boolean;
  reasons: string[];
}

export function judge(probes: readonly ProbeResult[], plan: ContextPlan, thresholds: ReadinessThresholds): Verdict {
  const reasons: string[] = [];
  const round = (n: number) => (n >= 10 ? Math.round(n) : Math.round(n * 10) / 10);
  for (const probe of probes) {
    const at = `${probe.context} context (${probe.sentTokens} tokens)`;
    if (probe.evalTokensPerSecond === undefined) reasons.push(`${at}: no generation speed measured (the reply had no tokens)`);
    else if (probe.evalTokensPerSecond < thresholds.minTokensPerSecond) {
      reasons.push(`${at}: ${round(probe.evalTokensPerSecond)} tokens/s, below ${thresholds.minTokensPerSecond}`);
    }
    const minPrompt = thresholds.minPromptTokensPerSecond;
    if (minPrompt !== undefined && probe.promptTokensPerSecond !== undefined && probe.promptTokensPerSecond < minPrompt) {
      reasons.push(`${at}: reads ${round(probe.promptTokensPerSecond)} prompt tokens/s, below ${minPrompt}`);
    }
    if (thresholds.maxFirstTokenMs !== undefined && probe.firstTokenMs > thresholds.maxFirstTokenMs) {
      reasons.push(`${at}: first token after ${Math.round(probe.firstTokenMs)} ms, over ${thresholds.maxFirstTokenMs}`);
    }
    if (probe.cut) reasons.push(`${at}: the server read only ${probe.promptTokens} tokens; it cuts prompts (set options.num_ctx in the agent file)`);
  }
  if (plan.budgetOverflows) reasons.push(`token_budget plus num_predict exceeds num_ctx ${plan.numCtx}: long prompts would be cut (raise num_ctx or lower token_budget)`);
  return { ready: reasons.length === 0, reasons };
}

function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}
