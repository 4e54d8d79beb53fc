/**
 * finish {result, outcome, memory, followups}: ends the loop with today's reply schema
 * (src/agent/reply.ts). memory and followups may be left out, as a small model often does.
 */
import * as z from "../../schema/zod.js";
import { MAX_RESULT_CHARS, replySchema } from "../reply.js";
import { defineTool, refused } from "./define.js";

const { shape } = replySchema;

export const finishSchema = z.object({
  result: shape.result,
  outcome: shape.outcome,
  memory: z.optional(shape.memory),
  followups: z.optional(shape.followups),
});

export const finishTool = defineTool(
  "finish",
  "Finish the bead: the result (markdown: what you did, branch changes, test output), outcome done/blocked/failed, and optional memory notes and follow-ups.",
  finishSchema,
  async (input) => {
    if (input.result.trim() === "") return refused("finish: result is empty; say what you did.");
    if (input.result.length > MAX_RESULT_CHARS) return refused(`finish: result is ${input.result.length} characters; keep it under ${MAX_RESULT_CHARS}.`);
    const memory = input.memory ?? [];
    const followups = input.followups ?? [];
    return { text: `finished: ${input.outcome}`, finish: { result: input.result, outcome: input.outcome, memory, followups } };
  },
);
