import * as z from "../schema/zod.js";

/**
 * The structured reply every model is asked for. Kept flat (no $ref, no unions) because
 * Ollama's constrained decoding ignores $ref/anyOf.
 */
export const replySchema = z.object({
  result: z.string().check(z.describe("The work product, as markdown.")),
  outcome: z.enum(["done", "blocked", "failed"]).check(z.describe("done when finished; blocked when something outside is needed; failed when it cannot be done.")),
  memory: z
    .array(
      z.object({
        note: z.string().check(z.describe("One short fact worth remembering for future work.")),
        shared: z.boolean().check(z.describe("true if every agent should know it, false if only you.")),
      }),
    )
    .check(z.maxLength(10), z.describe("What you learned, if anything.")),
  followups: z
    .array(
      z.object({
        title: z.string(),
        body: z.string(),
        labels: z.array(z.string()),
        priority: z.int().check(z.gte(0), z.lte(4)),
      }),
    )
    .check(z.maxLength(10), z.describe("New work discovered while doing this, if any.")),
});

export type Reply = z.output<typeof replySchema>;

/** Replies longer than this are refused: a runaway generation is not a result. */
export const MAX_RESULT_CHARS = 64 * 1024;

export function replyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(replySchema, { target: "draft-7" }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

export type ReplyCheck = { ok: true; reply: Reply } | { ok: false; error: string };

/** Validate a model's raw output; the error text is fed back to the model on retry. */
export function checkReply(content: string): ReplyCheck {
  const trimmed = stripFences(content.trim());
  if (trimmed === "") return { ok: false, error: "the reply was empty" };
  if (trimmed.length > MAX_RESULT_CHARS * 2) return { ok: false, error: `the reply was ${trimmed.length} characters; keep it under ${MAX_RESULT_CHARS}` };
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch (error) {
    return { ok: false, error: `the reply was not valid JSON (${(error as Error).message})` };
  }
  const result = replySchema.safeParse(withDefaults(data));
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, error: `the reply did not match the schema: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}` };
  }
  if (result.data.result.trim() === "") return { ok: false, error: "result was empty" };
  if (result.data.result.length > MAX_RESULT_CHARS) return { ok: false, error: `result was ${result.data.result.length} characters; keep it under ${MAX_RESULT_CHARS}` };
  return { ok: true, reply: result.data };
}

/** Small models often omit empty arrays; that is not worth a retry. */
function withDefaults(data: unknown): unknown {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return data;
  const record = { ...(data as Record<string, unknown>) };
  record.memory ??= [];
  record.followups ??= [];
  if (Array.isArray(record.memory)) {
    // A note without `shared` is the agent's own.
    record.memory = record.memory.map((item: unknown) => (typeof item === "object" && item !== null ? { shared: false, ...(item as Record<string, unknown>) } : item));
  }
  if (Array.isArray(record.followups)) {
    record.followups = record.followups.map((item: unknown) =>
      typeof item === "object" && item !== null ? { body: "", labels: [], priority: 2, ...(item as Record<string, unknown>) } : item,
    );
  }
  return record;
}

/** Some models wrap JSON in ```json fences even when asked not to. */
function stripFences(text: string): string {
  const match = /^```(?:json)?\s*\n([\s\S]*?)\n```$/.exec(text);
  return match?.[1] ?? text;
}
