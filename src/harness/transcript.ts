/**
 * The step-by-step record of one tool loop: .git/beadboard/transcripts/<bead>/<attempt>.jsonl.
 * Local state (inside .git, so never committed or pushed); one JSON line per step, each string
 * clipped so one chatty tool result cannot grow a line without bound.
 */
import { appendFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** The most UTF-16 units kept of any one string field of a transcript line. */
export const TRANSCRIPT_FIELD_MAX = 4000;

export interface TranscriptEntry {
  step: number;
  kind: "request" | "reply" | "tool" | "event" | "end";
  [key: string]: unknown;
}

export type TranscriptSink = (entry: TranscriptEntry) => void;

export function transcriptPath(gitDir: string, beadId: string, attempt: number): string {
  return join(gitDir, "beadboard", "transcripts", beadId, `${attempt}.jsonl`);
}

/**
 * The number of a new attempt's transcript: `atLeast` (the bead's attempts + 1), or past every
 * file already there. A run that was handed back without counting an attempt (a stop, a lost
 * lease, the model gone) keeps its own file instead of sharing the next run's.
 */
export function nextTranscriptAttempt(gitDir: string, beadId: string, atLeast: number): number {
  let names: string[];
  try {
    names = readdirSync(join(gitDir, "beadboard", "transcripts", beadId));
  } catch {
    return atLeast;
  }
  const taken = names.flatMap((name) => /^([1-9][0-9]{0,5})\.jsonl$/.exec(name)?.slice(1, 2) ?? []).map(Number);
  return Math.max(atLeast, ...taken.map((n) => n + 1));
}

/** Pure: the line written for an entry, every string clipped to TRANSCRIPT_FIELD_MAX with a note of how much was cut. */
export function transcriptLine(entry: TranscriptEntry, at: Date): string {
  return `${JSON.stringify({ at: at.toISOString(), ...entry }, (_key, value: unknown) => (typeof value === "string" ? clip(value) : value))}\n`;
}

function clip(text: string): string {
  if (text.length <= TRANSCRIPT_FIELD_MAX) return text;
  return `${text.slice(0, TRANSCRIPT_FIELD_MAX)}… [${text.length - TRANSCRIPT_FIELD_MAX} more characters cut]`;
}

/** A sink appending to the transcript file; a write that fails never stops the work it records. */
export function fileTranscript(path: string, now: () => Date = () => new Date()): TranscriptSink {
  mkdirSync(join(path, ".."), { recursive: true });
  return (entry) => {
    try {
      appendFileSync(path, transcriptLine(entry, now()));
    } catch {
      // A full disk or a removed directory must not fail the bead; the metrics log still has the outcome.
    }
  };
}
