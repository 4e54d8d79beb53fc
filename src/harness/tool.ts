/**
 * The contract between the harness loop (src/harness/loop.ts) and the tools it offers a model
 * (src/harness/tools/<name>.ts, listed in src/harness/tools/index.ts). Tool names and parameters
 * are a stable contract (docs/DESIGN.md §12): prompts, models and outside evaluations depend on
 * them, so extend, never rename.
 */
import type * as z from "../schema/zod.js";

export const TOOL_NAMES = ["read_file", "list_files", "search", "edit_file", "write_file", "run", "new_bead", "finish"] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** What a tool may touch while it runs: the bead's workspace, and nothing else. */
export interface ToolContext {
  /** Absolute real path of the bead's worktree; every path argument resolves inside it (confine.ts). */
  root: string;
  /** argv prefixes `run` may execute (the agent file's `allow:`), checked by policy/run.ts. */
  allow: string[][];
  /** Ends a running command or read at once (agent timeout, lost lease, SIGTERM). */
  signal: AbortSignal;
  /** Creates a follow-up bead on the board (bounded by the follow-up limits); returns its id. */
  newBead?: (input: { title: string; body: string; labels?: string[]; priority?: number }) => Promise<string>;
}

/** The guardrail events of an acting loop (DESIGN §12), as metrics.jsonl's `category`. */
export type GuardrailCategory = "step_limit" | "loop" | "tool_refused" | "tool_error" | "timeout" | "followup_limit";

/** What a tool call produced: text for the model; `refused` marks a guardrail refusal (a `tool_refused` event). */
export interface ToolResult {
  text: string;
  refused?: boolean;
  /** The event a refusal is logged as, when it is a more specific guardrail than `tool_refused`. */
  category?: GuardrailCategory;
  /** Set by `finish`: the loop ends with this reply. */
  finish?: { result: string; outcome: "done" | "failed" | "blocked"; memory: unknown[]; followups: unknown[] };
}

/**
 * One tool: its name, what the model reads about it, one schema for both validation and the JSON
 * schema the model sees. The one type for the registry (tools/index.ts, contract names only) and
 * for the loop (loop.ts, which also runs a test's own tools).
 */
export interface HarnessTool<Input = unknown> {
  /** A contract name (ToolName) for every tool the product ships; the registry's type enforces that. */
  name: string;
  description: string;
  schema: z.ZodMiniType<Input>;
  run(input: Input, ctx: ToolContext): Promise<ToolResult>;
}
