import { mkdirSync } from "node:fs";
import { readBoardFileBytes } from "./safe-read.js";
import { join } from "node:path";
import type { BeadWithBody } from "../bead/fields.js";
import { ConflictError, NotFoundError, RefMovedError } from "../errors.js";
import { resolveIdentity, type Identity } from "../git/author.js";
import { withBoardLock } from "../git/board-lock.js";
import { commitPaths, type CommitResult } from "../git/commit-paths.js";
import { createFileExclusive } from "../os/atomic-write.js";
import type { BoardPaths } from "./paths.js";
import { beadPath } from "./paths.js";
import { beadFromText } from "./read-bead.js";
import { decodeBeadBytes } from "../bead/parse.js";
import { checkBeadText, checkBoardFileContent, parseBeadForWrite } from "./validate-write.js";

/** What every write needs: where the board is, who commits, and a shared git object cache. */
export interface WriteContext {
  paths: BoardPaths;
  /** Who commits: this machine's identity (git config or BEAD_ACTOR). */
  identity: Identity;
  /** Whose work it is, when not the committer's: an agent (agentIdentity). */
  author?: Identity;
  cache: object;
  /** When set, commits are refused once HEAD names another branch (see CommitRequest.branchRef). */
  branchRef?: string;
}

export function writeContext(paths: BoardPaths, env: NodeJS.ProcessEnv = process.env): WriteContext {
  return { paths, identity: resolveIdentity(paths.gitdir, env), cache: {} };
}

export interface BeadEdit {
  /** The new file text, or null for "nothing to do". Must be pure: it may run again on a newer text. */
  (text: string, bead: BeadWithBody): string | null;
}

export interface EditResult {
  bead: BeadWithBody;
  commit: CommitResult | null;
}

/**
 * Read-check-write-commit one bead under the board lock. `edit` sees the file as it is on disk
 * now (a person may have saved it a moment ago) and returns the new text; if the file changes
 * again between our read and our write, the edit is applied to the newer text instead, so a
 * person's save is never clobbered.
 */
/** A commit message, or a function of the edited bead for messages that depend on what the edit decided. */
export type CommitMessage = string | ((updated: BeadWithBody) => string);

/** Thrown by the check under index.lock when the file changed since it was read; never escapes editBeadLocked. */
const SAVED_MEANWHILE = new Error("saved meanwhile");
const MAX_ATTEMPTS = 3;

export async function editBead(ctx: WriteContext, id: string, edit: BeadEdit, message: CommitMessage): Promise<EditResult> {
  return withBoardLock(ctx.paths.stateDir, () => editBeadLocked(ctx, id, edit, message));
}

/** The same as editBead, for callers that already hold the board lock. */
export async function editBeadLocked(ctx: WriteContext, id: string, edit: BeadEdit, message: CommitMessage): Promise<EditResult> {
  const file = join(ctx.paths.root, beadPath(id));
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const text = readBeadText(file, id);
    const bead = beadFromText(text, id, Date.now());
    const next = edit(text, bead);
    if (next === null || next === text) return { bead, commit: null };
    const updated = validEdit(next, id);
    const commitMessage = typeof message === "string" ? message : message(updated);
    // The file is written under index.lock, right before the commit (and put back if the commit
    // fails), after checking once more that nobody saved it since we read it.
    const verify = (): void => {
      if (readBeadText(file, id) !== text) throw SAVED_MEANWHILE;
    };
    try {
      const commit = await commitPaths({ ...gitTarget(ctx), changes: [{ path: beadPath(id), content: next }], message: commitMessage, writeWorktree: true, verify });
      return { bead: updated, commit };
    } catch (error) {
      if (error === SAVED_MEANWHILE) continue; // saved by someone meanwhile: redo on the new text
      // A person's git command (a merge, say) moved the branch while we built our commit. Nothing
      // was written (commitPaths put the file back), so redo the edit on the new tip.
      if (error instanceof RefMovedError && attempt < MAX_ATTEMPTS - 1) continue;
      throw error;
    }
  }
  throw new ConflictError(beadPath(id), "the file kept changing while bead tried to write it; nothing was written, try again");
}

/** Create a new bead file (never overwriting one) and commit it. Returns false if the id is taken. */
export async function createBead(ctx: WriteContext, id: string, text: string, message: string): Promise<CommitResult | null | false> {
  return withBoardLock(ctx.paths.stateDir, async () => {
    parseBeadForWrite(text, id); // refuse to create a bead the board could not read
    mkdirSync(ctx.paths.beadsDir, { recursive: true });
    if (!createFileExclusive(join(ctx.paths.root, beadPath(id)), text)) return false;
    return commitPaths({ ...gitTarget(ctx), changes: [{ path: beadPath(id), content: text }], message });
  });
}

/** Write (or, with null content, delete) arbitrary board files and commit exactly them. Caller holds the lock. */
export async function writeFilesLocked(
  ctx: WriteContext,
  files: Array<{ path: string; content: string | null; executable?: boolean }>,
  message: string,
): Promise<CommitResult | null> {
  // A deletion (null) has nothing to validate.
  for (const file of files) if (file.content !== null) checkBoardFileContent(file.path, file.content);
  return commitPaths({ ...gitTarget(ctx), changes: files, message, writeWorktree: true });
}

/** The bead an edit produces; an edit that would make it unreadable is refused before anything is written. */
function validEdit(next: string, id: string): BeadWithBody {
  return checkBeadText(next, id);
}

function gitTarget(ctx: WriteContext) {
  return { root: ctx.paths.root, gitdir: ctx.paths.gitdir, author: ctx.author ?? ctx.identity, committer: ctx.identity, cache: ctx.cache, ...(ctx.branchRef !== undefined ? { branchRef: ctx.branchRef } : {}) };
}

function readBeadText(file: string, id: string): string {
  try {
    return decodeBeadBytes(readBoardFileBytes(file, beadPath(id)), beadPath(id));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError("bead", id, `no file ${beadPath(id)}`);
    throw error;
  }
}
