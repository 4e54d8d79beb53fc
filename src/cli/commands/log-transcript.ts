import { readAttempts } from "../../harness/transcript-files.js";
import { renderAttempt } from "../../stats/transcript-summary.js";
import { InvalidArgumentError, NotFoundError } from "../../errors.js";
import type { BoardPaths } from "../../board/paths.js";
import type { CliIo } from "../io.js";
import { json } from "../output.js";

/** Characters of any one reply, argument list, result or output shown per line in text mode (--json has the stored text). */
const TEXT_WIDTH = 200;

export interface TranscriptOptions {
  json?: boolean;
  attempt?: string;
}

/**
 * `bead log <id> --transcript [--attempt n]`: what an acting agent (or an exec harness) did on
 * this machine, step by step, from .git/beadboard/transcripts/<id>/ (local, never committed).
 */
export function printTranscript(io: CliIo, paths: BoardPaths, id: string, options: TranscriptOptions): void {
  const wanted = options.attempt === undefined ? undefined : attemptNumber(options.attempt);
  const attempts = readAttempts(paths.gitdir, id).filter((entry) => wanted === undefined || entry.summary.attempt === wanted);
  if (attempts.length === 0) {
    const which = wanted === undefined ? "" : ` attempt ${wanted}`;
    throw new NotFoundError(`transcript${which} for bead`, id, "only agents with tools: or provider: exec write one, on the machine that ran them (.git/beadboard/transcripts/)");
  }
  if (options.json) {
    io.out(json(attempts.map((entry) => ({ ...entry.summary, truncated: entry.truncated, records: entry.records }))));
    return;
  }
  const blocks = attempts.map((entry) => {
    const lines = renderAttempt(entry.summary, entry.records, TEXT_WIDTH);
    if (entry.truncated) lines.push("  (transcript file larger than 8 MB: only its start was read)");
    return lines.join("\n");
  });
  io.out(`${blocks.join("\n\n")}\n`);
}

function attemptNumber(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`--attempt ${JSON.stringify(text)} is not an attempt number; use 1, 2, …`);
  return n;
}
