/**
 * The transcript files of a board, read back for `bead log --transcript`, `bead show` and
 * `bead stats`. Local state under .git, but still read with care: lstat first, only regular
 * files and real directories (never a symlink), at most TRANSCRIPT_READ_MAX bytes of a file.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync } from "node:fs";
import { join } from "node:path";
import { parseTranscript, summarizeAttempt, type AttemptSummary, type TranscriptRecord } from "../stats/transcript-summary.js";

/** A 200-step loop with every field at its clip is ~4 MB; more than this is not a transcript. */
export const TRANSCRIPT_READ_MAX = 8 * 1024 * 1024;

const ATTEMPT_FILE = /^([1-9][0-9]{0,5})\.jsonl$/;
const BEAD_DIR = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface AttemptTranscript {
  summary: AttemptSummary;
  records: TranscriptRecord[];
  /** The file was larger than TRANSCRIPT_READ_MAX; only its start was read. */
  truncated: boolean;
}

function transcriptsRoot(gitDir: string): string {
  return join(gitDir, "beadboard", "transcripts");
}

function isRealDir(path: string): boolean {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  return stat !== undefined && stat.isDirectory();
}

/** The beads that have transcripts. */
export function beadsWithTranscripts(gitDir: string): string[] {
  const root = transcriptsRoot(gitDir);
  if (!isRealDir(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && BEAD_DIR.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** The attempt numbers recorded for a bead, oldest first. */
export function transcriptAttempts(gitDir: string, beadId: string): number[] {
  if (!BEAD_DIR.test(beadId)) return [];
  const dir = join(transcriptsRoot(gitDir), beadId);
  if (!isRealDir(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const match = entry.isFile() ? ATTEMPT_FILE.exec(entry.name) : null;
      return match ? [Number(match[1])] : [];
    })
    .sort((a, b) => a - b);
}

/** One attempt's transcript, parsed and summed up; undefined when there is no such regular file. */
export function readAttempt(gitDir: string, beadId: string, attempt: number): AttemptTranscript | undefined {
  if (!BEAD_DIR.test(beadId)) return undefined;
  const path = join(transcriptsRoot(gitDir), beadId, `${attempt}.jsonl`);
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat?.isFile()) return undefined;
  const { text, truncated } = readBounded(path, TRANSCRIPT_READ_MAX);
  // A cut file ends mid-line: the torn last line is dropped, not counted as garbage.
  const { records, skipped } = parseTranscript(truncated ? text.slice(0, text.lastIndexOf("\n") + 1) : text);
  return { summary: summarizeAttempt(attempt, records, skipped), records, truncated };
}

/** Every attempt of a bead, oldest first. */
export function readAttempts(gitDir: string, beadId: string): AttemptTranscript[] {
  return transcriptAttempts(gitDir, beadId).flatMap((attempt) => readAttempt(gitDir, beadId, attempt) ?? []);
}

function readBounded(path: string, max: number): { text: string; truncated: boolean } {
  // O_NOFOLLOW|O_NONBLOCK: a swap to a link or a FIFO after the lstat neither follows nor blocks.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) return { text: "", truncated: false };
    const buffer = Buffer.alloc(Math.min(max, fstatSync(fd).size));
    let filled = 0;
    while (filled < buffer.length) {
      const read = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return { text: buffer.subarray(0, filled).toString("utf8"), truncated: fstatSync(fd).size > max };
  } finally {
    closeSync(fd);
  }
}
