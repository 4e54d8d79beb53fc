/** The tool loop against the Ollama protocol double: every way out, and what the model never sees. */
import { afterEach, describe, expect, it } from "vitest";
import * as z from "../../src/schema/zod.js";
import { createOllamaProvider } from "../../src/model/ollama.js";
import { runToolLoop, type LoopEvent, type ResultGate, type ToolLoopOptions } from "../../src/harness/loop.js";
import type { HarnessTool } from "../../src/harness/tool.js";
import { sensitivityResultGate } from "../../src/harness/result-gate.js";
import { defaultGatePolicy } from "../../src/policy/gate.js";
import type { TranscriptEntry } from "../../src/harness/transcript.js";
import { startOllamaDouble, type OllamaDouble, type Reply } from "../helpers/ollama-double.js";

let double: OllamaDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

const echoCalls: string[] = [];
const echo: HarnessTool = {
  name: "echo",
  description: "Repeat the text.",
  schema: z.object({ text: z.string() }) as z.ZodMiniType<unknown>,
  run: async (input) => {
    const { text } = input as { text: string };
    echoCalls.push(text);
    return { text: `echo: ${text}` };
  },
};
const finishSchema = z.object({
  result: z.string(),
  outcome: z._default(z.enum(["done", "failed", "blocked"]), "done"),
  memory: z._default(z.array(z.unknown()), []),
  followups: z._default(z.array(z.unknown()), []),
});
const finish: HarnessTool = {
  name: "finish",
  description: "End the work with a result.",
  schema: finishSchema as z.ZodMiniType<unknown>,
  run: async (input) => {
    const reply = input as z.output<typeof finishSchema>;
    return { text: "finished", finish: reply };
  },
};

const allow: ResultGate = () => ({ allowed: true });
const call = (name: string, args: Record<string, unknown> | string): Reply => ({ content: "", toolCalls: [{ name, arguments: args }] });

async function loop(replies: Reply[], extra: Partial<ToolLoopOptions> = {}) {
  echoCalls.length = 0;
  double = await startOllamaDouble({ replies });
  const events: LoopEvent[] = [];
  const transcript: TranscriptEntry[] = [];
  const outcome = await runToolLoop({
    provider: createOllamaProvider({ host: double.url, env: {} }),
    model: "qwen3:8b",
    messages: [{ role: "user", content: "Do the bead." }],
    tools: { echo, finish },
    ctx: { root: "/nonexistent", allow: [] },
    gate: allow,
    onEvent: (event) => events.push(event),
    transcript: (entry) => transcript.push(entry),
    ...extra,
  });
  return { outcome, events, transcript, requests: double.requests.filter((r) => r.path === "/api/chat") };
}

const sentText = (requests: { body: unknown }[]): string => requests.map((r) => JSON.stringify(r.body)).join("\n");

describe("runToolLoop", () => {
  it("runs calls in order, shows each result to the model, and ends on finish with its reply", async () => {
    const { outcome, requests, transcript, events } = await loop([call("echo", { text: "one" }), call("finish", { result: "all done", outcome: "done" })]);
    expect(outcome.stop).toBe("finish");
    expect(outcome.reply).toEqual({ result: "all done", outcome: "done", memory: [], followups: [] });
    expect(echoCalls).toEqual(["one"]);
    expect(requests).toHaveLength(2);
    const second = requests[1]?.body as { messages: { role: string; content: string }[]; tools: { function: { name: string } }[] };
    expect(second.messages.at(-1)).toMatchObject({ role: "tool", content: "echo: one", tool_name: "echo" });
    expect(second.tools.map((t) => t.function.name)).toEqual(["echo", "finish"]);
    expect(events).toEqual([]);
    expect(transcript.map((e) => e.kind)).toEqual(["request", "reply", "tool", "request", "reply", "end"]);
  });

  it("stops 50 identical calls at the third with a `loop` guardrail", async () => {
    const { outcome, requests, events } = await loop(Array.from({ length: 50 }, () => call("echo", { text: "again" })));
    expect(outcome.stop).toBe("loop");
    expect(requests).toHaveLength(3);
    expect(echoCalls).toEqual(["again", "again"]);
    expect(events).toEqual([expect.objectContaining({ event: "guardrail", category: "loop" })]);
  });

  it("different arguments are not a loop; max_steps bounds them with `step_limit`", async () => {
    const replies = Array.from({ length: 20 }, (_, n) => call("echo", { text: `t${n}` }));
    const { outcome, requests, events } = await loop(replies, { maxSteps: 4 });
    expect(outcome.stop).toBe("step_limit");
    expect(requests).toHaveLength(4);
    expect(echoCalls).toEqual(["t0", "t1", "t2", "t3"]);
    expect(events.map((e) => e.category)).toEqual(["step_limit"]);
  });

  it("an unknown tool gets a tool message naming the real tools, a tool_refused event, and the loop goes on", async () => {
    const { outcome, requests, events } = await loop([call("rm_rf", { path: "/" }), call("finish", { result: "ok" })]);
    expect(outcome.stop).toBe("finish");
    const tool = (requests[1]?.body as { messages: { role: string; content: string }[] }).messages.at(-1);
    expect(tool?.content).toBe('Unknown tool "rm_rf". Call one of: echo, finish.');
    expect(events).toEqual([expect.objectContaining({ event: "guardrail", category: "tool_refused", tool: "rm_rf" })]);
  });

  it("a tool not offered in toolNames is unknown to the loop", async () => {
    const { events, outcome } = await loop([call("echo", { text: "x" }), call("finish", { result: "ok" })], { toolNames: ["finish"] });
    expect(outcome.stop).toBe("finish");
    expect(echoCalls).toEqual([]);
    expect(events.map((e) => e.category)).toEqual(["tool_refused"]);
  });

  it("malformed JSON and schema-invalid arguments are tool_error messages, and the loop goes on", async () => {
    const { outcome, requests, events } = await loop([call("echo", '{"text": "unclosed'), call("echo", { text: 7 }), call("finish", { result: "ok" })]);
    expect(outcome.stop).toBe("finish");
    const last = (i: number) => (requests[i]?.body as { messages: { content: string }[] }).messages.at(-1)?.content;
    expect(last(1)).toMatch(/^The arguments of echo are not valid JSON/);
    expect(last(2)).toMatch(/^Invalid arguments for echo: text: /);
    expect(events.map((e) => e.category)).toEqual(["tool_error", "tool_error"]);
    expect(echoCalls).toEqual([]);
  });

  it("a text answer is re-asked once to call finish, then taken as the result", async () => {
    const { outcome, requests } = await loop([{ content: "I think it is fixed." }, { content: "Really fixed." }]);
    expect(outcome.stop).toBe("text");
    expect(outcome.reply?.result).toBe("Really fixed.");
    expect(requests).toHaveLength(2);
    expect(JSON.stringify(requests[1]?.body)).toContain("Call the finish tool now");
  });

  it("a text answer then finish ends by finish", async () => {
    const { outcome } = await loop([{ content: "thinking" }, call("finish", { result: "ok", outcome: "failed" })]);
    expect(outcome).toMatchObject({ stop: "finish", reply: { outcome: "failed" } });
  });

  it("abort mid-loop stops after the running tool, with no further model call", async () => {
    const controller = new AbortController();
    const aborting: HarnessTool = { ...echo, run: async (input) => (controller.abort(), echo.run(input, { root: "", allow: [], signal: controller.signal })) };
    const { outcome, requests } = await loop([call("echo", { text: "a" }), call("echo", { text: "b" }), call("finish", { result: "x" })], {
      tools: { echo: aborting, finish },
      signal: controller.signal,
    });
    expect(outcome.stop).toBe("aborted");
    expect(requests).toHaveLength(1);
  });

  it("abort during a stalled model call ends the loop", async () => {
    const controller = new AbortController();
    double = await startOllamaDouble({ replies: [{ content: "slow", stallAfterChunks: 0 }] });
    const d = double;
    const running = runToolLoop({
      provider: createOllamaProvider({ host: d.url, env: {} }),
      model: "qwen3:8b",
      messages: [{ role: "user", content: "go" }],
      tools: { finish },
      ctx: { root: "/nonexistent", allow: [] },
      gate: allow,
      signal: controller.signal,
    });
    await new Promise<void>((resolve) => {
      const check = (): void => (d.inFlight() > 0 ? resolve() : void setImmediate(check));
      check();
    });
    controller.abort();
    expect((await running).stop).toBe("aborted");
  });

  it("the deadline (on an injected clock) ends the loop with `timeout`", async () => {
    let now = 0;
    const slowEcho: HarnessTool = { ...echo, run: async (input, ctx) => ((now += 600), echo.run(input, ctx)) };
    const { outcome, events, requests } = await loop([call("echo", { text: "a" }), call("echo", { text: "b" }), call("finish", { result: "x" })], {
      tools: { echo: slowEcho, finish },
      timeoutMs: 1000,
      clock: () => now,
    });
    expect(outcome.stop).toBe("timeout");
    expect(requests).toHaveLength(2);
    expect(events.map((e) => e.category)).toEqual(["timeout"]);
  });

  it("a result holding an AWS key never reaches a remote model: refused, with a gate event", async () => {
    const key = ["AKIA", "Q3Z7XK2M9PLW4RTB"].join("");
    const leaky: HarnessTool = { ...echo, run: async () => ({ text: `[default]\naws_access_key_id = ${key}\n` }) };
    const gate = sensitivityResultGate({ beadId: "bb-1", agent: "remote-coder", locality: "remote", policy: defaultGatePolicy, declared: "internal" });
    const { outcome, requests, events } = await loop([call("echo", { text: "creds" }), call("finish", { result: "ok" })], { tools: { echo: leaky, finish }, gate });
    expect(outcome.stop).toBe("finish");
    expect(requests).toHaveLength(2);
    expect(sentText(requests)).not.toContain(key);
    expect(sentText(requests)).toContain("Refused: this result was withheld from the model");
    expect(events).toEqual([expect.objectContaining({ event: "gate", tool: "echo" })]);
  });

  it("the same AWS key reaches a local model (the board's policy allows secrets locally)", async () => {
    const key = ["AKIA", "Q3Z7XK2M9PLW4RTB"].join("");
    const leaky: HarnessTool = { ...echo, run: async () => ({ text: `aws_access_key_id = ${key}` }) };
    const gate = sensitivityResultGate({ beadId: "bb-1", agent: "local-coder", locality: "local", policy: defaultGatePolicy, declared: "internal" });
    const { requests } = await loop([call("echo", { text: "creds" }), call("finish", { result: "ok" })], { tools: { echo: leaky, finish }, gate });
    expect(sentText(requests)).toContain(key);
  });

  it("a tool that throws is a tool_error message, not a crash", async () => {
    const broken: HarnessTool = { ...echo, run: async () => Promise.reject(new Error("disk on fire")) };
    const { outcome, events, requests } = await loop([call("echo", { text: "a" }), call("finish", { result: "ok" })], { tools: { echo: broken, finish } });
    expect(outcome.stop).toBe("finish");
    expect(sentText(requests)).toContain("echo failed: disk on fire");
    expect(events.map((e) => e.category)).toEqual(["tool_error"]);
  });
});
