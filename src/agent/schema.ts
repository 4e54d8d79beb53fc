import { z } from "zod";
import { SENSITIVITIES } from "../bead/fields.js";
import { parseDuration } from "../time/duration.js";

const duration = (fallback: string) =>
  z
    .union([z.string(), z.number()])
    .default(fallback)
    .transform((value, ctx) => {
      try {
        return parseDuration(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    });

const list = z.preprocess((value) => (typeof value === "string" ? [value] : value), z.array(z.string())).optional();

export const PROVIDERS = ["ollama", "openai", "builtin"] as const;
export const BUILTIN_ACTIONS = ["report", "write", "run"] as const;

/** agents/<name>.md front-matter (DESIGN §3, extended). The body is the system prompt. */
export const agentFieldsSchema = z.looseObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "name uses letters, digits, '.', '_' and '-'"),
  provider: z.enum(PROVIDERS, { error: `provider must be one of ${PROVIDERS.join(", ")}` }).default("ollama"),
  model: z.string().optional(),
  host: z.string().optional(),
  /** Name of the environment variable holding a bearer key; the key itself never lives in the repo. */
  api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "api_key_env names an environment variable, e.g. OLLAMA_API_KEY").optional(),
  takes: z
    .object({ labels: list, types: list, prefixes: list })
    .default({}),
  concurrency: z.number().int().min(1).max(64).default(1),
  lease: duration("15m"),
  timeout: duration("20m"),
  options: z.record(z.string(), z.unknown()).default({}),
  clearance: z.enum(SENSITIVITIES).default("private"),
  locality: z.enum(["local", "remote"]).optional(),
  max_attempts: z.number().int().min(1).max(20).optional(),
  /** builtin agents: what they do. */
  action: z.enum(BUILTIN_ACTIONS).optional(),
  /** builtin `run`: allowed argv prefixes, e.g. [[npm, test], [ls]]. Nothing runs unless listed here. */
  allow: z.array(z.array(z.string()).min(1)).default([]),
  shadow: z.string().optional(),
  role: z.enum(["worker", "planner", "router"]).default("worker"),
  price_per_1k: z.number().min(0).optional(),
  memory_budget: z.number().int().positive().optional(),
});

export type AgentFields = z.output<typeof agentFieldsSchema>;

export interface AgentDefinition {
  name: string;
  path: string;
  fields: AgentFields;
  /** The system prompt. */
  prompt: string;
}
