/**
 * Reading back a transcript (.git/beadboard/transcripts/<bead>/<attempt>.jsonl, written by
 * transcript.ts): its lines parsed, one attempt summed up (steps, tool calls by tool, refusals,
 * errors, gate blocks, how it ended) and rendered for a terminal. Pure, no I/O. The file is local
 * state a person or a crash may have torn: lines that are not entries are counted and skipped.
 */

export interface TranscriptRecord {
  at?: string;
  step: number;
  kind: string;
  [key: string]: unknown;
}

export interface AttemptSummary {
  attempt: number;
  /** A tool loop (model agents with tools:) or an outside harness (provider: exec). */
  kind: "tools" | "exec";
  /** Model calls the loop made; an exec run counts 1. */
  steps: number;
  toolCalls: number;
  byTool: Record<string, number>;
  /** Calls refused (tool_refused: bad path, not allow-listed, malformed arguments, unknown tool). */
  refusals: number;
  /** Calls that failed (tool_error). */
  errors: number;
  /** Results withheld from the model by the sensitivity gate. */
  gateBlocks: number;
  /** finish, text, step_limit, loop, timeout, aborted; for exec: exit, timeout, aborted, spawn-error; null while running or torn. */
  stop: string | null;
  reason: string | null;
  startedAt: string | null;
  /** The exec agent's program. */
  harness?: string;
  skippedLines: number;
}

export function parseTranscript(text: string): { records: TranscriptRecord[]; skipped: number } {
  const records: TranscriptRecord[] = [];
  let skipped = 0;
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    try {
      const value: unknown = JSON.parse(raw);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        const record = value as Record<string, unknown>;
        if (typeof record.step === "number" && typeof record.kind === "string") {
          records.push(record as TranscriptRecord);
          continue;
        }
      }
    } catch {
      // counted below
    }
    skipped++;
  }
  return { records, skipped };
}

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function toolCallsOf(record: TranscriptRecord): Array<{ name: string; arguments: string }> {
  const calls = Array.isArray(record.toolCalls) ? (record.toolCalls as unknown[]) : [];
  return calls.flatMap((call) => {
    if (typeof call !== "object" || call === null) return [];
    const { name, arguments: args } = call as { name?: unknown; arguments?: unknown };
    return typeof name === "string" ? [{ name, arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}) }] : [];
  });
}

export function summarizeAttempt(attempt: number, records: readonly TranscriptRecord[], skippedLines = 0): AttemptSummary {
  const harness = records.map((record) => (record.kind === "request" ? str(record.harness) : undefined)).find((name) => name !== undefined);
  const summary: AttemptSummary = {
    attempt,
    kind: harness === undefined ? "tools" : "exec",
    steps: 0,
    toolCalls: 0,
    byTool: {},
    refusals: 0,
    errors: 0,
    gateBlocks: 0,
    stop: null,
    reason: null,
    startedAt: str(records[0]?.at) ?? null,
    ...(harness === undefined ? {} : { harness }),
    skippedLines,
  };
  for (const record of records) {
    if (record.kind === "request") summary.steps += 1;
    else if (record.kind === "reply") {
      for (const call of toolCallsOf(record)) {
        summary.toolCalls += 1;
        summary.byTool[call.name] = (summary.byTool[call.name] ?? 0) + 1;
      }
    } else if (record.kind === "event") {
      if (record.category === "tool_refused") summary.refusals += 1;
      else if (record.category === "tool_error") summary.errors += 1;
      else if (record.gate === "block") summary.gateBlocks += 1;
    } else if (record.kind === "end") {
      summary.stop = str(record.stop) ?? null;
      summary.reason = str(record.reason) ?? (record.exitCode === undefined ? null : `exit code ${String(record.exitCode)}`);
    }
  }
  return summary;
}

/** One line of text: newlines shown as ⏎, cut at `max` characters with a note of how much more there was. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\r?\n/g, "⏎").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "?");
  return flat.length <= max ? flat : `${flat.slice(0, max)}… (+${flat.length - max} chars)`;
}

/** An attempt as text: one line per step's reply, tool call, result and event, each at most `width` characters of content. */
export function renderAttempt(summary: AttemptSummary, records: readonly TranscriptRecord[], width = 200): string[] {
  const when = summary.startedAt ? ` ${summary.startedAt.slice(0, 19).replace("T", " ")}` : "";
  const what = summary.kind === "exec" ? `exec ${summary.harness ?? ""}` : `${summary.steps} step(s), ${summary.toolCalls} tool call(s), ${summary.refusals} refused, ${summary.errors} failed, ${summary.gateBlocks} withheld`;
  const out = [`attempt ${summary.attempt}${when}: ${what}`];
  // A refused call's result is the refusal already shown: not printed twice.
  let refusal: string | undefined;
  for (const record of records) {
    const at = `  step ${record.step}`;
    switch (record.kind) {
      case "request":
        if (summary.kind === "exec") out.push(`${at}  argv: ${oneLine(JSON.stringify(record.argv ?? []), width)}`, `${at}  prompt: ${oneLine(str(record.prompt) ?? "", width)}`);
        break;
      case "reply": {
        const content = str(record.content) ?? "";
        if (content.trim()) out.push(`${at}  model: ${oneLine(content, width)}`);
        for (const call of toolCallsOf(record)) out.push(`${at}  call ${call.name} ${oneLine(call.arguments, width)}`);
        break;
      }
      case "tool":
        if (str(record.text) !== refusal) out.push(`${at}  result of ${str(record.tool) ?? "?"}: ${oneLine(str(record.text) ?? "", width)}`);
        refusal = undefined;
        break;
      case "event":
        if (record.output !== undefined) out.push(`${at}  output: ${oneLine(str(record.output) ?? "", width)}`);
        else if (record.output_cut !== undefined) out.push(`${at}  output: ${str(record.output_cut) ?? "cut"}`);
        else if (record.gate === "block") out.push(`${at}  withheld (gate) ${str(record.tool) ?? "?"}: ${oneLine(str(record.reason) ?? "", width)}`);
        else {
          refusal = str(record.reason);
          out.push(`${at}  ${str(record.category) ?? "event"} ${str(record.tool) ?? ""}: ${oneLine(refusal ?? "", width)}`);
        }
        break;
      case "end": {
        const stderr = str(record.stderr)?.trim();
        out.push(`  end: ${summary.stop ?? "?"}${summary.reason ? ` (${oneLine(summary.reason, width)})` : ""}${stderr ? `; stderr: ${oneLine(stderr, width)}` : ""}`);
        break;
      }
      default:
        out.push(`${at}  ${oneLine(record.kind, 40)}`);
    }
  }
  if (summary.stop === null) out.push("  (no end recorded: still running, or the process was killed)");
  if (summary.skippedLines > 0) out.push(`  (${summary.skippedLines} unreadable line(s) skipped)`);
  return out;
}

/** One line for `bead show`: what the attempt did and how it ended. */
export function summaryLine(summary: AttemptSummary): string {
  const ended = `ended ${summary.stop ?? "(no end recorded)"}${summary.reason ? ` (${oneLine(summary.reason, 120)})` : ""}`;
  if (summary.kind === "exec") return `attempt ${summary.attempt}: exec ${summary.harness ?? "?"}, ${ended}`;
  const tools = Object.entries(summary.byTool)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([name, n]) => `${name} ${n}`)
    .join(", ");
  return `attempt ${summary.attempt}: ${summary.steps} step(s), ${summary.toolCalls} tool call(s)${tools ? ` (${tools})` : ""}, ${summary.refusals} refused, ${summary.errors} failed, ${summary.gateBlocks} withheld; ${ended}`;
}
