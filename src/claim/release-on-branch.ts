/**
 * Releasing on the board's branch after HEAD moved away from it (issue 14, item 12): a person's
 * `git checkout -b other` while `bead up` runs. The claims live on the board's branch, so they
 * are released there, from that branch's own version of the bead, without touching the work
 * tree or index of the branch now checked out; `git checkout <board branch>` then brings the
 * released beads back. Nothing is ever committed on the person's branch.
 */
import { setFields } from "../bead/edit-yaml.js";
import { decodeBeadBytes } from "../bead/parse.js";
import { beadPath } from "../board/paths.js";
import { checkBeadText } from "../board/validate-write.js";
import type { WriteContext } from "../board/write.js";
import { withBoardLock } from "../git/board-lock.js";
import { commitOnBranch } from "../git/commit-paths.js";
import { readFileAtRef } from "../git/head-file.js";
import { NotHolderError } from "../errors.js";
import { isHeldBy } from "./rules.js";

export async function releaseOnBranch(ctx: WriteContext & { branchRef: string }, id: string, holder: string, message: string, countAttempt: boolean): Promise<void> {
  await withBoardLock(ctx.paths.stateDir, async () => {
    const path = beadPath(id);
    const bytes = await readFileAtRef(ctx.paths.root, ctx.paths.gitdir, ctx.branchRef, path, ctx.cache);
    if (!bytes) throw new NotHolderError(id, holder, undefined);
    const text = decodeBeadBytes(bytes, path);
    const bead = checkBeadText(text, id);
    if (!isHeldBy(bead.fields, holder)) throw new NotHolderError(id, holder, bead.fields.status === "claimed" ? bead.fields.claimed_by : undefined);
    const changes: Record<string, unknown> = { status: "open", claimed_by: undefined, claimed_at: undefined, lease_until: undefined, updated: new Date().toISOString() };
    if (countAttempt) changes.attempts = bead.fields.attempts + 1;
    const next = setFields(text, changes, path);
    checkBeadText(next, id);
    await commitOnBranch({ root: ctx.paths.root, gitdir: ctx.paths.gitdir, branchRef: ctx.branchRef, author: ctx.author ?? ctx.identity, committer: ctx.identity, cache: ctx.cache, changes: [{ path, content: next }], message });
  });
}
