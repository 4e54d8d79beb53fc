/**
 * Transcripts read back (pure): lines as transcript.ts writes them, summed up and rendered;
 * and the one-line failure text of an exec run, from real runs of the exec runner.
 */
import { describe, expect, it } from "vitest";
import { failureText } from "../../src/agent/act-exec.js";
import { runExec } from "../../src/harness/exec-runner.js";
import { transcriptLine, type TranscriptEntry } from "../../src/harness/transcript.js";
import { parseTranscript, renderAttempt, summarizeAttempt, summaryLine } from "../../src/stats/transcript-summary.js";

const at = new Date("2026-12-06T00:00:00Z");
const written = (entries: TranscriptEntry[]) => parseTranscript(entries.map((entry) => transcriptLine(entry, at)).join(""));

describe("transcript summaries", () => {
  it("an exec run: its harness, output, and how it ended with stderr's tail", () => {
    const { records, skipped } = written([
      { step: 1, kind: "request", harness: "/usr/bin/aider", argv: ["aider", "--message-file", "{prompt_file}"], prompt: "Fix it.\nNow." },
      { step: 1, kind: "event", output: "Applied edit to src/app.txt\n" },
      { step: 1, kind: "event", output_cut: "output past 65536 bytes is not recorded" },
      { step: 1, kind: "end", stop: "exit", exitCode: 2, stderr: "Traceback…\nAPIError: 401\n" },
    ]);
    expect(skipped).toBe(0);
    const summary = summarizeAttempt(1, records);
    expect(summary).toMatchObject({ kind: "exec", harness: "/usr/bin/aider", steps: 1, toolCalls: 0, stop: "exit", reason: "exit code 2", startedAt: "2026-12-06T00:00:00.000Z" });
    expect(summaryLine(summary)).toBe("attempt 1: exec /usr/bin/aider, ended exit (exit code 2)");
    expect(renderAttempt(summary, records)).toEqual([
      "attempt 1 2026-12-06 00:00:00: exec /usr/bin/aider",
      '  step 1  argv: ["aider","--message-file","{prompt_file}"]',
      "  step 1  prompt: Fix it.⏎Now.",
      "  step 1  output: Applied edit to src/app.txt⏎",
      "  step 1  output: output past 65536 bytes is not recorded",
      "  end: exit (exit code 2); stderr: Traceback…⏎APIError: 401",
    ]);
  });

  it("an attempt with no end (killed) says so; control characters are not printed", () => {
    const { records } = written([
      { step: 1, kind: "request", messages: 2 },
      { step: 1, kind: "reply", content: "ok\u001b[2J", toolCalls: [{ name: "read_file", arguments: '{"path":"a"}' }] },
    ]);
    const summary = summarizeAttempt(3, records);
    expect(summary).toMatchObject({ kind: "tools", steps: 1, toolCalls: 1, byTool: { read_file: 1 }, stop: null });
    const lines = renderAttempt(summary, records);
    expect(lines).toContain("  step 1  model: ok?[2J");
    expect(lines.at(-1)).toBe("  (no end recorded: still running, or the process was killed)");
  });

  it("a prompt too long for one argument is named, with the fix", async () => {
    const command = [process.execPath, "-e", "0", "{prompt}"];
    const outcome = await runExec({ command, prompt: "x".repeat(200 * 1024), beadId: "bb-1", workspace: process.cwd(), env: { PATH: process.env.PATH }, timeoutMs: 30_000 });
    expect(outcome.ended).toBe("spawn-error");
    expect(failureText(command, outcome)).toMatch(/^exec node could not start: the prompt is too long for one argument \(use \{prompt_file\}, or the prompt on stdin, in command:\): .*E2BIG/);
  });
});
