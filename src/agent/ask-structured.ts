import * as z from "../schema/zod.js";
import type { ChatMessage, ChatReply, Provider } from "../model/provider.js";

export interface AskStructuredOptions<T> {
  provider: Provider;
  model: string;
  messages: ChatMessage[];
  /** Validates the parsed JSON; its error text is fed back to the model on a retry. */
  schema: z.ZodMiniType<T>;
  /** Extra checks zod cannot express (e.g. "agent must be one of ..."): an error text, or undefined when fine. */
  check?: (value: T) => string | undefined;
  options?: Record<string, unknown>;
  timeoutMs: number;
  signal?: AbortSignal;
  retries: number;
  onCall?: (reply: ChatReply, attempt: number) => void;
}

export type AskStructuredResult<T> = { ok: true; value: T; calls: ChatReply[] } | { ok: false; error: string; calls: ChatReply[] };

/** JSON Schema for Ollama's `format` (draft-7, no $schema key). */
export function jsonSchemaOf(schema: z.ZodMiniType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: "draft-7", io: "input" }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** Parse and validate one structured reply (fences stripped: small models add them). */
export function parseStructured<T>(content: string, schema: z.ZodMiniType<T>, check?: (value: T) => string | undefined): { ok: true; value: T } | { ok: false; error: string } {
  const trimmed = content.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n```$/.exec(trimmed);
  const text = fenced?.[1] ?? trimmed;
  if (text === "") return { ok: false, error: "the reply was empty" };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `the reply was not valid JSON (${(error as Error).message})` };
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, error: `the reply did not match the schema: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}` };
  }
  const problem = check?.(result.data);
  return problem === undefined ? { ok: true, value: result.data } : { ok: false, error: problem };
}

/**
 * Ask a model for one JSON object matching `schema`, re-asking with the validation error up to
 * `retries` times. Transport errors (unreachable, timeouts) are thrown to the caller.
 */
export async function askStructured<T>(options: AskStructuredOptions<T>): Promise<AskStructuredResult<T>> {
  const calls: ChatReply[] = [];
  const messages = [...options.messages];
  const format = jsonSchemaOf(options.schema);
  let lastError = "no reply";
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    const reply = await options.provider.chat({
      model: options.model,
      messages,
      format,
      ...(options.options ? { options: options.options } : {}),
      timeoutMs: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    calls.push(reply);
    options.onCall?.(reply, attempt);
    const parsed = parseStructured(reply.content, options.schema, options.check);
    if (parsed.ok) return { ok: true, value: parsed.value, calls };
    lastError = parsed.error;
    messages.push({ role: "assistant", content: reply.content.slice(0, 4000) }, { role: "user", content: `Your reply was invalid: ${parsed.error}. Reply again with only the JSON object.` });
  }
  return { ok: false, error: `invalid model output after ${options.retries + 1} tries: ${lastError}`, calls };
}
