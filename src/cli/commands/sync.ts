import { writeContext } from "../../board/write.js";
import { redactUrl, resolveRemote } from "../../sync/remote.js";
import { syncBoard, type SyncResult } from "../../sync/sync.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";
import { untilTerminated } from "../terminate.js";
import { SyncStoppedError } from "../../errors.js";

/** `bead sync`: fetch, merge (bead-aware), check out, push. Prints what happened. */
export async function sync(io: CliIo, options: GlobalOptions & { push?: boolean }): Promise<number | void> {
  const paths = boardFor(io, options);
  // Ctrl-C stops the request in flight and the rounds between steps (nothing half written).
  const termination = untilTerminated();
  const remote = { ...(await resolveRemote(paths, io.env)), signal: termination.signal };
  let result: SyncResult;
  try {
    result = await syncBoard(writeContext(paths, io.env), remote, { push: options.push !== false });
  } catch (error) {
    const stoppedBy = termination.exitCode();
    if (stoppedBy === undefined || !(error instanceof SyncStoppedError)) throw error;
    io.err(`bead: ${error.message}\n`);
    return stoppedBy;
  } finally {
    termination.dispose();
  }
  if (options.json) {
    io.out(json({ ...result, url: redactUrl(remote.url), branch: remote.branch }));
    return;
  }
  io.out(describeSync(result, `${redactUrl(remote.url)} ${remote.branch}`));
}

export function describeSync(result: SyncResult, where: string): string {
  const lines: string[] = [];
  const files = (n: number): string => `${n} file${n === 1 ? "" : "s"}`;
  if (result.action === "fast-forward") lines.push(`fast-forward to ${short(result.head)}: ${files(result.files.length)} updated`);
  else if (result.action === "rebased") lines.push(`local commits replayed on ${where} (now ${short(result.head)}): ${files(result.files.length)} updated`);
  else if (result.action === "merged") lines.push(`merged ${files(result.files.length)} from ${where} (merge ${short(result.head)})`);
  for (const note of result.notes) lines.push(`  ${note.path}: ${note.detail}`);
  for (const path of result.skipped) lines.push(`  ${path}: saved here while syncing; left as you have it (not committed)`);
  if (result.pushed) lines.push(`pushed ${short(result.head)} to ${where}`);
  else if (result.head !== result.remote && result.head !== null) lines.push(`local commits not pushed (${short(result.head)}; run bead sync without --no-push)`);
  if (lines.length === 0) lines.push(`up to date with ${where}`);
  if (result.attempts > 1) lines.push(`(${result.attempts} rounds: others pushed meanwhile)`);
  return `${lines.join("\n")}\n`;
}

function short(oid: string | null): string {
  return oid ? oid.slice(0, 7) : "(none)";
}
