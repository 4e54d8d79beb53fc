/**
 * An acting agent on the OpenAI protocol (`provider: openai`, the double's /v1) through the
 * worker: streamed tool-call fragments assembled, each result sent back with its tool_call_id,
 * the fix committed on bead/<id>.
 */
import { describe, expect, it } from "vitest";
import { type OllamaDouble } from "../helpers/ollama-double.js";
import { makeTempBoard } from "../helpers/temp-board.js";
import { bead, superviseOnce, ollamaDoubleOfEachTest } from "../agent/support.js";
import { FIXED, PROJECT, call, fixBead } from "./act-support.js";

let double: OllamaDouble;
ollamaDoubleOfEachTest((started) => (double = started));

const agentFile = (host: string) =>
  `---\nname: codemonkey\nprovider: openai\nmodel: qwen3:8b\nhost: ${host}/v1\ntakes: { labels: [code] }\ntools: [read_file, edit_file]\n---\nFix the code.\n`;

describe("an acting agent on the OpenAI protocol", () => {
  it("reads, edits and finishes; every tool result answers its call by id", async () => {
    const board = await makeTempBoard({ "agents/codemonkey.md": agentFile(double.url), ...fixBead(), ...PROJECT });
    double.setReplies([
      call("read_file", { path: "sum.mjs" }),
      call("edit_file", { path: "sum.mjs", old_text: "a - b", new_text: "a + b" }),
      call("finish", { result: "Fixed over /v1.", outcome: "done" }),
    ]);
    const { outcomes, logs } = await superviseOnce(board.dir);
    expect(outcomes, logs.join("\n")).toEqual({ codemonkey: { done: 1 } });
    expect(board.git(["show", "bead/bb-fix:sum.mjs"])).toBe(FIXED);
    expect(bead(board.dir, "bb-fix").body).toContain("Fixed over /v1.");
    const requests = double.requests.filter((r) => r.path === "/v1/chat/completions").map((r) => r.body as { messages: Array<{ role: string; content: string; tool_call_id?: string; tool_calls?: Array<{ id: string }> }>; tools: unknown[] });
    expect(requests).toHaveLength(3);
    expect(requests[0]?.tools).toHaveLength(3);
    const last = requests[2]?.messages ?? [];
    const asked = last.filter((m) => m.role === "assistant").flatMap((m) => m.tool_calls?.map((c) => c.id) ?? []);
    const answered = last.filter((m) => m.role === "tool").map((m) => m.tool_call_id);
    expect(answered).toEqual(asked);
    expect(answered).toHaveLength(2);
    expect(last.find((m) => m.role === "tool")?.content).toContain("return a - b;");
  });
});
