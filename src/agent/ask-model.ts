import { ModelError } from "../errors.js";
import type { ChatMessage, ChatReply, Provider } from "../model/provider.js";
import { checkReply, MAX_RESULT_CHARS, replyJsonSchema, type Reply } from "../harness/reply.js";

export interface AskOptions {
  provider: Provider;
  model: string;
  messages: ChatMessage[];
  options: Record<string, unknown>;
  timeoutMs: number;
  signal: AbortSignal;
  /** How many times to re-ask after an invalid reply. */
  retries: number;
  onCall: (reply: ChatReply, attempt: number) => void;
  onInvalid: (error: string, attempt: number) => void;
  /** The board's max_reply_bytes; the provider's default when absent. */
  maxReplyBytes?: number;
}

export type AskResult =
  | { ok: true; reply: Reply; structured: boolean; calls: ChatReply[] }
  | { ok: false; error: string; calls: ChatReply[] };

/**
 * Ask for a structured reply and validate it; on invalid output ask again with the validation
 * error (bounded). When the server refuses structured output itself (an HTTP 400/422/501 about
 * the format), fall back once to plain text and take the text as the result.
 */
export async function askModel(options: AskOptions): Promise<AskResult> {
  const calls: ChatReply[] = [];
  const messages = [...options.messages];
  const format = replyJsonSchema();
  let lastError = "no reply";
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    let reply: ChatReply;
    try {
      reply = await options.provider.chat({ model: options.model, messages, format, options: options.options, timeoutMs: options.timeoutMs, signal: options.signal, ...capOf(options) });
    } catch (error) {
      if (attempt === 0 && refusesStructuredOutput(error)) return askPlain(options, calls);
      throw error;
    }
    calls.push(reply);
    options.onCall(reply, attempt);
    const check = checkReply(reply.content);
    if (check.ok) return { ok: true, reply: check.reply, structured: true, calls };
    lastError = check.error;
    options.onInvalid(check.error, attempt);
    messages.push({ role: "assistant", content: reply.content.slice(0, 4000) }, { role: "user", content: `Your reply was invalid: ${check.error}. Reply again with only the JSON object.` });
  }
  return { ok: false, error: `invalid model output after ${options.retries + 1} tries: ${lastError}`, calls };
}

async function askPlain(options: AskOptions, calls: ChatReply[]): Promise<AskResult> {
  const reply = await options.provider.chat({ model: options.model, messages: options.messages, options: options.options, timeoutMs: options.timeoutMs, signal: options.signal, ...capOf(options) });
  calls.push(reply);
  options.onCall(reply, 0);
  // The prompt still asks for JSON, and many models comply without constrained decoding.
  const check = checkReply(reply.content);
  if (check.ok) return { ok: true, reply: check.reply, structured: false, calls };
  const text = reply.content.trim();
  if (!text) return { ok: false, error: "the model returned an empty reply", calls };
  if (text.length > MAX_RESULT_CHARS) return { ok: false, error: `the reply was ${text.length} characters; keep it under ${MAX_RESULT_CHARS}`, calls };
  return { ok: true, reply: { result: text, outcome: "done", memory: [], followups: [] }, structured: false, calls };
}

function refusesStructuredOutput(error: unknown): boolean {
  if (!(error instanceof ModelError)) return false;
  const status = error.data.status;
  return (status === 400 || status === 422 || status === 501) && /format|response_format|json_schema|structured/i.test(error.message);
}

function capOf(options: AskOptions): { maxReplyBytes?: number } {
  return options.maxReplyBytes === undefined ? {} : { maxReplyBytes: options.maxReplyBytes };
}
