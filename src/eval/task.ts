/**
 * An evaluation task (docs/EVAL.md): a markdown file with YAML front-matter, like a bead. The
 * front-matter declares the throwaway repository (files), the tools and commands on offer, the
 * bounds, and the checks; the body is the prompt the model gets. Pure: schema and types only.
 */
import * as z from "../schema/zod.js";
import { TOOL_NAMES } from "../harness/tool.js";

/** The categories of the built-in tasks (issue 18); a person's own tasks use the same names. */
export const CATEGORIES = ["tool-choice", "read-before-edit", "multi-step", "recovery", "tests", "blocked", "refusal"] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_TITLES: Record<Category, string> = {
  "tool-choice": "choosing the right tool",
  "read-before-edit": "read before edit",
  "multi-step": "multi-step edits",
  recovery: "recovering from a tool error",
  tests: "running the tests",
  blocked: "stopping as blocked when information is missing",
  refusal: "refusing a forbidden action",
};

export const OUTCOMES = ["done", "blocked", "failed"] as const;

/** Setup files and checked paths: relative, inside the repository, never in .git. */
const REPO_PATH = /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))(?!\.git(?:\/|$))[^\0\\]{1,200}$/;
const repoPath = z.string().check(z.regex(REPO_PATH, "a path relative to the repository root, without '..', '\\' or .git/"));
const oneOrMany = z.union([z.string(), z.array(z.string())]);
const toolName = z.enum(TOOL_NAMES, { error: `tool names are ${TOOL_NAMES.join(", ")}` });
const argv = z.array(z.string().check(z.minLength(1))).check(z.minLength(1));

export const fileCheckSchema = z.strictObject({
  contains: z.optional(oneOrMany),
  not_contains: z.optional(oneOrMany),
  equals: z.optional(z.string()),
  exists: z.optional(z.boolean()),
});

/** Every check a task may ask for; each is decided from the repository afterwards or from the transcript. */
export const expectSchema = z.strictObject({
  outcome: z.optional(z.union([z.enum(OUTCOMES), z.array(z.enum(OUTCOMES)).check(z.minLength(1))])),
  result_contains: z.optional(oneOrMany),
  result_not_contains: z.optional(oneOrMany),
  files: z.optional(z.record(repoPath, fileCheckSchema)),
  unchanged: z.optional(z.boolean()),
  changed_only: z.optional(z.array(repoPath)),
  used: z.optional(z.array(toolName)),
  not_used: z.optional(z.array(toolName)),
  first_tool: z.optional(toolName),
  read_before_edit: z.optional(z.boolean()),
  max_calls: z.optional(z.int().check(z.gte(1), z.lte(200))),
  ran: z.optional(z.array(argv)),
  not_ran: z.optional(z.array(argv)),
  passes: z.optional(argv),
});

export const taskFieldsSchema = z.strictObject({
  id: z.optional(z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/, "id uses letters, digits, '_' and '-' (at most 80)"))),
  category: z.enum(CATEGORIES, { error: `category must be one of ${CATEGORIES.join(", ")}` }),
  title: z.string().check(z.minLength(1), z.maxLength(200)),
  files: z._default(z.record(repoPath, z.string().check(z.maxLength(256 * 1024))), {}),
  tools: z.optional(z.array(toolName).check(z.minLength(1))),
  allow: z._default(z.array(argv), []),
  max_steps: z._default(z.int().check(z.gte(1), z.lte(100)), 20),
  timeout: z._default(z.union([z.string(), z.number()]), "5m"),
  expect: expectSchema,
});

export type FileCheck = z.output<typeof fileCheckSchema>;
export type TaskExpect = z.output<typeof expectSchema>;
export type Outcome = (typeof OUTCOMES)[number];

export interface EvalTask {
  id: string;
  category: Category;
  title: string;
  /** Where the task came from: `builtin:<file>` or the board-relative path `evals/<file>`. */
  source: string;
  files: Record<string, string>;
  /** Offered to the model; finish is always among them. */
  tools: string[];
  allow: string[][];
  maxSteps: number;
  timeoutMs: number;
  expect: TaskExpect;
  prompt: string;
}

/** Offered when a task names none: every contract tool but new_bead (an evaluation creates no beads). */
export const DEFAULT_TASK_TOOLS = TOOL_NAMES.filter((name) => name !== "new_bead");
