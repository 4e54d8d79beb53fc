import * as z from "../schema/zod.js";
import { SENSITIVITIES } from "../bead/fields.js";
import { parseDuration } from "../time/duration.js";
import { TOOL_NAMES } from "../harness/tool.js";

const duration = (fallback: string) =>
  z.pipe(
    z._default(z.union([z.string(), z.number()]), fallback),
    z.transform((value: string | number, ctx) => {
      try {
        return parseDuration(value);
      } catch (error) {
        // zod/mini's transform has no ctx.addIssue; this is the issue classic zod's addIssue pushed.
        ctx.issues.push({ code: "custom", message: (error as Error).message, input: value });
        return z.NEVER;
      }
    }),
  );

const list = z.optional(z.pipe(z.transform((value) => (typeof value === "string" ? [value] : value)), z.array(z.string())));

export const PROVIDERS = ["ollama", "openai", "builtin", "embedded", "exec"] as const;
export const BUILTIN_ACTIONS = ["report", "write", "run"] as const;

/** agents/<name>.md front-matter (DESIGN §3, extended). The body is the system prompt. */
export const agentFieldsSchema = z.looseObject({
  name: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "name uses letters, digits, '.', '_' and '-'")),
  provider: z._default(z.enum(PROVIDERS, { error: `provider must be one of ${PROVIDERS.join(", ")}` }), "ollama"),
  model: z.optional(z.string()),
  host: z.optional(z.string()),
  /** Name of the environment variable holding a bearer key; the key itself never lives in the repo. */
  api_key_env: z.optional(z.string().check(z.regex(/^[A-Z_][A-Z0-9_]*$/, "api_key_env names an environment variable, e.g. OLLAMA_API_KEY"))),
  takes: z._default(z.object({ labels: list, types: list, prefixes: list }), {}),
  concurrency: z._default(z.int().check(z.gte(1), z.lte(64)), 1),
  lease: duration("15m"),
  timeout: duration("20m"),
  options: z._default(z.record(z.string(), z.unknown()), {}),
  clearance: z._default(z.enum(SENSITIVITIES), "private"),
  locality: z.optional(z.enum(["local", "remote"])),
  max_attempts: z.optional(z.int().check(z.gte(1), z.lte(20))),
  /** builtin agents: what they do. */
  action: z.optional(z.enum(BUILTIN_ACTIONS)),
  /** builtin `run`: allowed argv prefixes, e.g. [[npm, test], [ls]]. Nothing runs unless listed here. */
  allow: z._default(z.array(z.array(z.string()).check(z.minLength(1))), []),
  shadow: z.optional(z.string()),
  role: z._default(z.enum(["worker", "planner", "router"]), "worker"),
  price_per_1k: z.optional(z.number().check(z.gte(0))),
  memory_budget: z.optional(z.int().check(z.positive())),
  /** Acting agents (DESIGN §12): the tools the model may call; none = a text-only agent. */
  tools: z.optional(z.array(z.enum(TOOL_NAMES, { error: `tools are ${TOOL_NAMES.join(", ")}` }))),
  /** Acting agents: the most model calls one attempt may make. */
  max_steps: z._default(z.int().check(z.gte(1), z.lte(200)), 30),
  /** Acting agents: path of the local repo worked on (default the board's repo). */
  workspace: z.optional(z.string().check(z.minLength(1))),
  /** Acting agents: `json` = one schema-constrained JSON action per turn, for models without native tool calling (default native; a server that refuses tools switches by itself). */
  tool_calls: z.optional(z.enum(["native", "json"], { error: "tool_calls is native or json" })),
  /** provider exec: the outside harness's argv, no shell; {prompt}, {prompt_file} and {workspace} are filled in. */
  command: z.optional(z.array(z.string(), { error: "command is a list of strings: [program, args…]" }).check(z.minLength(1, "command needs at least the program"))),
});

export type AgentFields = z.output<typeof agentFieldsSchema>;

export interface AgentDefinition {
  name: string;
  path: string;
  fields: AgentFields;
  /** The system prompt. */
  prompt: string;
  /** The board the file was loaded from (embedded agents resolve relative model paths against it). */
  boardRoot?: string;
}
