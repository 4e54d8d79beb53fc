/**
 * Agents work on the branch checked out when `bead up` started (issue 14, item 12). When a
 * person moves HEAD elsewhere (`git checkout -b other`), every agent commit is already refused
 * (commit-paths.ts); this guard notices the move itself, from the OS's event on `.git/HEAD`
 * and a periodic look as a safety net, and calls `onMoved` once, so that `bead up` stops
 * cleanly: claims are released on the board's branch (claim/release-on-branch.ts) and the
 * process ends with a message saying what happened and how to go on.
 */
import { watch, type FSWatcher } from "node:fs";
import { GitError } from "../errors.js";
import { currentBranchRef } from "../git/refs.js";
import { everyInterval, type TimerClock } from "../time/interval.js";

export interface BranchGuardOptions {
  gitdir: string;
  /** refs/heads/<branch> the agents work on. */
  branchRef: string;
  onMoved: (movedTo: string) => void;
  signal: AbortSignal;
  /** The safety-net look (default 5 s); the OS event is the fast path. */
  everyMs?: number;
  clock?: TimerClock;
  /** Where HEAD points now (tests inject it); default: read .git/HEAD. */
  readHead?: () => string;
}

/** What HEAD names, or a description of a detached HEAD (which is a move away too). */
function headNow(gitdir: string): string {
  try {
    return currentBranchRef(gitdir);
  } catch (error) {
    if (error instanceof GitError) return "a detached HEAD";
    throw error;
  }
}

/** Start guarding; returns the function that stops it (also stopped by `signal`). */
export function guardBranch(options: BranchGuardOptions): () => void {
  const readHead = options.readHead ?? (() => headNow(options.gitdir));
  const stop = new AbortController();
  const stopAll = () => {
    stop.abort();
    watcher?.close();
  };
  options.signal.addEventListener("abort", stopAll, { once: true });
  const check = () => {
    if (stop.signal.aborted) return;
    let head: string;
    try {
      head = readHead();
    } catch {
      return; // HEAD mid-rewrite (git writes HEAD.lock, then renames): the next look sees it
    }
    if (head === options.branchRef) return;
    stopAll();
    options.onMoved(head);
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(options.gitdir, { persistent: false }, (_event, name) => {
      if (name === "HEAD") check();
    });
    watcher.on("error", () => watcher?.close());
  } catch {
    watcher = undefined; // no OS events here: the periodic look alone
  }
  everyInterval(check, { name: "branch guard", everyMs: options.everyMs ?? 5_000, signal: stop.signal, ...(options.clock ? { clock: options.clock } : {}) });
  return stopAll;
}

export function headMovedMessage(branchRef: string, movedTo: string): string {
  const branch = branchRef.replace(/^refs\/heads\//, "");
  const to = movedTo.replace(/^refs\/heads\//, "");
  return `HEAD moved from ${branch} to ${to} while bead up ran: agents work only on ${branch}, so bead up stopped; beads in flight were released on ${branch} and nothing was committed on ${to}. Switch back (git checkout ${branch}) and start bead up again`;
}
