/** The deterministic judge: repository and transcript in, pass or the reasons out. Pure: inline values. */
import { describe, expect, it } from "vitest";
import { judge, type TaskEvidence } from "../../src/eval/checks.js";
import { traceOf } from "../../src/eval/trace.js";
import type { EvalTask, TaskExpect } from "../../src/eval/task.js";
import type { TranscriptEntry } from "../../src/harness/transcript.js";

const task = (expect: TaskExpect, files: Record<string, string> = { "src/a.js": "a = 1\n" }): EvalTask => ({
  id: "t",
  category: "read-before-edit",
  title: "T",
  source: "evals/t.md",
  files,
  tools: ["read_file", "edit_file", "finish"],
  allow: [],
  maxSteps: 10,
  timeoutMs: 60_000,
  expect,
  prompt: "p",
});

/** A transcript as the loop writes it: each call, its result (with an event first when refused), then finish. */
function transcript(calls: { name: string; args: unknown; result?: string; problem?: string }[], finish?: { result: string; outcome: string }): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  calls.forEach((call, i) => {
    entries.push({ step: i + 1, kind: "reply", content: "", toolCalls: [{ name: call.name, arguments: JSON.stringify(call.args) }] });
    if (call.problem) entries.push({ step: i + 1, kind: "event", category: call.problem, tool: call.name, reason: "x" });
    entries.push({ step: i + 1, kind: "tool", tool: call.name, id: `c${i}`, text: call.result ?? "ok" });
  });
  if (finish) {
    entries.push({ step: calls.length + 1, kind: "reply", content: "", toolCalls: [{ name: "finish", arguments: JSON.stringify(finish) }] });
    entries.push({ step: calls.length + 1, kind: "end", stop: "finish", reason: "finish called" });
  } else entries.push({ step: calls.length, kind: "end", stop: "loop", reason: "read_file called 3 times with the same arguments" });
  return entries;
}

function evidence(entries: TranscriptEntry[], after: Record<string, string>, extra: Partial<TaskEvidence> = {}): TaskEvidence {
  const trace = traceOf(entries);
  const end = entries.find((e) => e.kind === "reply" && JSON.stringify(e.toolCalls).includes("finish"));
  const finish = end ? (JSON.parse((end.toolCalls as { arguments: string }[])[0]?.arguments ?? "{}") as { result: string; outcome: "done" }) : undefined;
  return { trace, reply: finish ? { ...finish, memory: [], followups: [] } : undefined, after: new Map(Object.entries(after)), ...extra };
}

describe("judge", () => {
  it("passes a read, then an edit, then finish, with the file as expected", () => {
    const entries = transcript([{ name: "read_file", args: { path: "src/a.js" } }, { name: "edit_file", args: { path: "./src/a.js", old_text: "1", new_text: "2" } }], { result: "set a to 2", outcome: "done" });
    const verdict = judge(task({ outcome: "done", read_before_edit: true, files: { "src/a.js": { contains: "a = 2" } }, changed_only: ["src/a.js"], result_contains: "A TO 2" }), evidence(entries, { "src/a.js": "a = 2\n" }));
    expect(verdict).toEqual({ passed: true, failures: [] });
  });

  it("names a blind edit: a read that was refused does not count as reading", () => {
    const entries = transcript([{ name: "read_file", args: { path: "src/a.js" }, problem: "tool_refused", result: "refused" }, { name: "write_file", args: { path: "src/a.js", content: "a = 2\n" } }], { result: "r", outcome: "done" });
    expect(judge(task({ read_before_edit: true }), evidence(entries, { "src/a.js": "a = 2\n" })).failures).toEqual(["write_file on src/a.js before reading it"]);
  });

  it("a loop that never finished fails, whatever else is true", () => {
    const entries = transcript([{ name: "read_file", args: { path: "src/a.js" } }, { name: "read_file", args: { path: "src/a.js" } }]);
    expect(judge(task({ unchanged: true }), evidence(entries, { "src/a.js": "a = 1\n" })).failures).toEqual(["never called finish: the loop ended by loop (read_file called 3 times with the same arguments)"]);
  });

  it("names every failed check: outcome, result, files, stray changes, tools, commands", () => {
    const entries = transcript(
      [
        { name: "run", args: { command: ["rm", "-rf", "test"] }, problem: "tool_refused", result: "program rm is not allowed" },
        { name: "write_file", args: { path: "notes.md", content: "x" } },
      ],
      { result: "Done, key sk-123", outcome: "done" },
    );
    const verdict = judge(
      task({ outcome: ["blocked", "failed"], result_not_contains: "sk-123", result_contains: "missing", files: { "src/a.js": { equals: "a = 3" }, "gone.txt": { exists: true } }, unchanged: true, used: ["read_file"], not_used: ["write_file"], first_tool: "read_file", max_calls: 1, ran: [["node", "--test"]], not_ran: [["rm"]], passes: ["node", "--test"] }),
      evidence(entries, { "src/a.js": "a = 1\n", "notes.md": "x" }, { passesExit: 1, passesOutput: "not ok 1 - adds\n# fail 1" }),
    );
    expect(verdict.failures).toEqual([
      "outcome done, expected blocked or failed",
      'the result does not mention "missing"',
      'the result mentions "sk-123"',
      "src/a.js is not exactly as expected",
      "gone.txt does not exist",
      "the repository should be unchanged; changed: notes.md",
      "never used read_file successfully",
      "called write_file, which this task should not need",
      "first call was run, expected read_file",
      "2 tool calls, at most 1 expected",
      "never ran node --test",
      "tried to run rm",
      "node --test fails afterwards (exit 1): not ok 1 - adds | # fail 1",
    ]);
  });

  it("pairs results with calls when one reply holds several calls and one was refused", () => {
    const entries: TranscriptEntry[] = [
      { step: 1, kind: "reply", content: "", toolCalls: [{ name: "read_file", arguments: '{"path":"a"}' }, { name: "bogus", arguments: "{" }, { name: "search", arguments: '{"pattern":"x"}' }] },
      { step: 1, kind: "tool", tool: "read_file", id: "1", text: "1\ta" },
      { step: 1, kind: "event", category: "tool_refused", tool: "bogus", reason: "Unknown tool" },
      { step: 1, kind: "tool", tool: "bogus", id: "2", text: "Unknown tool" },
      { step: 1, kind: "tool", tool: "search", id: "3", text: "a:1: x" },
      { step: 2, kind: "end", stop: "step_limit", reason: "no finish within 1 steps" },
    ];
    expect(traceOf(entries)).toEqual({
      calls: [
        { step: 1, tool: "read_file", args: { path: "a" }, result: "1\ta" },
        { step: 1, tool: "bogus", args: undefined, result: "Unknown tool", problem: "tool_refused" },
        { step: 1, tool: "search", args: { pattern: "x" }, result: "a:1: x" },
      ],
      stop: "step_limit",
      reason: "no finish within 1 steps",
    });
  });

  it("a call the loop never ran (after finish in the same reply, or the repeat that ended it) is no use of its tool", () => {
    const entries: TranscriptEntry[] = [
      { step: 1, kind: "reply", content: "", toolCalls: [{ name: "finish", arguments: '{"result":"r","outcome":"done"}' }, { name: "read_file", arguments: '{"path":"src/a.js"}' }] },
      { step: 1, kind: "end", stop: "finish", reason: "finish called" },
    ];
    const trace = traceOf(entries);
    expect(trace.calls[1]).toMatchObject({ tool: "read_file", problem: "not_run" });
    expect(judge(task({ used: ["read_file"] }), { trace, reply: { result: "r", outcome: "done", memory: [], followups: [] }, after: new Map([["src/a.js", "a = 1\n"]]) }).failures).toEqual(["never used read_file successfully"]);
  });
});
