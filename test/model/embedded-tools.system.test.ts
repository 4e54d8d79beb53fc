/**
 * Tool calling on the embedded provider, for real: a tiny random-weight GGUF (written by the test)
 * under the one-action grammar. The model's choices are random, so the tests check structure
 * (one call of an offered tool, arguments that parse, a bounded end), never content.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "../../src/schema/zod.js";
import { definitionsOf } from "../../src/harness/calls.js";
import type { HarnessTool } from "../../src/harness/tool.js";
import { runToolLoop, type LoopEvent } from "../../src/harness/loop.js";
import { HARNESS_TOOLS } from "../../src/harness/tools/index.js";
import { ModelError } from "../../src/errors.js";
import { createEmbeddedProvider } from "../../src/model/embedded.js";
import type { ChatReply, ToolDefinition } from "../../src/model/provider.js";
import { writeTinyGguf } from "../helpers/tiny-gguf.js";

let board: string;
beforeAll(async () => {
  board = await mkdtemp(join(tmpdir(), "embedded-tools-"));
  await writeTinyGguf(join(board, "never.gguf"), { stop: "never", quoteBias: 8 });
});
afterAll(async () => {
  await rm(board, { recursive: true, force: true });
});
const provider = () => createEmbeddedProvider({ boardRoot: board, threads: 1 });

const noteCalls: string[] = [];
const note: HarnessTool = {
  name: "note",
  description: "Write a note.",
  schema: z.object({ text: z.string(), tag: z.optional(z.string()) }) as z.ZodMiniType<unknown>,
  run: async (input) => {
    noteCalls.push((input as { text: string }).text);
    return { text: "noted" };
  },
};

// The harness's finish has arrays of objects that a random model fills to the brim (with the
// grammar's free whitespace); this one has only the fields the loop needs, so a call completes.
const smallFinish: HarnessTool = {
  name: "finish",
  description: "End the work with a result.",
  schema: z.object({ result: z.string(), outcome: z.enum(["done", "failed", "blocked"]) }) as z.ZodMiniType<unknown>,
  run: async (input) => {
    const { result, outcome } = input as { result: string; outcome: "done" | "failed" | "blocked" };
    return { text: "finished", finish: { result, outcome, memory: [], followups: [] } };
  },
};

describe("embedded provider with tools", () => {
  it("builds its grammar from the harness's own tool schemas and answers with exactly one call of an offered tool", async () => {
    const tools: ToolDefinition[] = definitionsOf([HARNESS_TOOLS.read_file, HARNESS_TOOLS.list_files, HARNESS_TOOLS.finish] as HarnessTool[]);
    const reply = await provider().chat({ model: "never.gguf", messages: [{ role: "user", content: "Look around." }], tools, options: { num_predict: 160, num_ctx: 4096 } });
    expect(reply.toolCalls).toHaveLength(1);
    const [call] = reply.toolCalls ?? [];
    expect(tools.map((t) => t.name)).toContain(call?.name);
    expect(reply.content).toBe("");
    expect(reply.tokensOut).toBeGreaterThan(0);
    expect(reply.tokensOut).toBeLessThanOrEqual(160);
    // Cut off by the token limit, the arguments are the raw fragment; complete, they are a JSON object without nulls.
    if (reply.tokensOut < 160) {
      const args = JSON.parse(call?.arguments ?? "") as Record<string, unknown>;
      expect(Object.values(args)).not.toContain(null);
    }
  });

  it("a reply cut off by the token limit still names a tool, with arguments the harness refuses as not JSON", async () => {
    const tools = definitionsOf([note]);
    const reply = await provider().chat({ model: "never.gguf", messages: [{ role: "user", content: "Write." }], tools, options: { num_predict: 12 } });
    expect(reply.tokensOut).toBe(12);
    expect(reply.toolCalls?.[0]?.name).toBe("note");
    expect(() => JSON.parse(reply.toolCalls?.[0]?.arguments ?? "")).toThrow();
  });

  it("the harness loop runs on the embedded provider to a bounded end: one call per step, results fed back", async () => {
    noteCalls.length = 0;
    const replies: ChatReply[] = [];
    const events: LoopEvent[] = [];
    const outcome = await runToolLoop({
      provider: provider(),
      model: "never.gguf",
      messages: [{ role: "user", content: "Take notes." }],
      tools: { note },
      ctx: { root: board, allow: [] },
      maxSteps: 3,
      gate: () => ({ allowed: true }),
      onReply: (reply) => replies.push(reply),
      onEvent: (event) => events.push(event),
      options: { num_predict: 48 },
    });
    // No finish is offered, so the loop can only end at a bound: the step limit, or three identical calls.
    expect(["step_limit", "loop"]).toContain(outcome.stop);
    expect(outcome.steps).toBeLessThanOrEqual(3);
    expect(replies).toHaveLength(outcome.steps);
    for (const reply of replies) expect(reply.toolCalls?.map((c) => c.name)).toEqual(["note"]);
    expect(events.some((e) => e.category === outcome.stop)).toBe(true);
    // Every step's call reached the loop: it ran, or was refused as malformed (a tool_error event).
    const toolTurns = outcome.messages.filter((m) => m.role === "tool");
    expect(toolTurns.length).toBeGreaterThanOrEqual(outcome.steps - 1);
    expect(noteCalls.length + events.filter((e) => e.category === "tool_error").length).toBe(toolTurns.length);
  });

  it("a call the grammar lets the model complete reaches the loop as arguments that parse, without nulls", async () => {
    const reply = await provider().chat({ model: "never.gguf", messages: [{ role: "user", content: "Write." }], tools: definitionsOf([note]), options: { num_predict: 64 } });
    expect(reply.tokensOut).toBeLessThan(64);
    const args = JSON.parse(reply.toolCalls?.[0]?.arguments ?? "") as Record<string, unknown>;
    expect(typeof args.text).toBe("string");
    expect(args.tag === undefined || typeof args.tag === "string").toBe(true);
  });

  it("with only finish offered, the loop ends in one step by finish, with an outcome of the enum", async () => {
    const outcome = await runToolLoop({
      provider: provider(),
      model: "never.gguf",
      messages: [{ role: "user", content: "Finish." }],
      tools: { finish: smallFinish },
      ctx: { root: board, allow: [] },
      maxSteps: 2,
      gate: () => ({ allowed: true }),
      options: { num_predict: 64 },
    });
    expect(outcome.stop).toBe("finish");
    expect(outcome.steps).toBe(1);
    expect(["done", "failed", "blocked"]).toContain(outcome.reply?.outcome);
  });

  it("a conversation longer than the context fails with an error that names num_ctx, not the engine's riddle", async () => {
    const error = await provider()
      .chat({ model: "never.gguf", messages: [{ role: "system", content: "x".repeat(3000) }, { role: "user", content: "Go." }], tools: definitionsOf([note]), options: { num_ctx: 512, num_predict: 8 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toMatch(/never\.gguf: the conversation does not fit its context of 512 tokens; raise options\.num_ctx in the agent file/);
  });
});
