import type { BoardPaths } from "../board/paths.js";
import { writeContext } from "../board/write.js";
import { isBeadboardError } from "../errors.js";
import { boardHasRemote } from "../git/remote-config.js";
import type { CliIo } from "./io.js";

/**
 * After a write on a synced board (`bead new`, `set`, `close`, `reopen`, `dep`, `release`): push it,
 * as `bead claim` does, so other clones see it now rather than at someone's next sync
 * (docs/SYNC.md). The write is committed either way: a push that fails is a note, not a failure,
 * and the next `bead sync` or `bead up` sends it. BEAD_PUSH=0 leaves every write local.
 */
export async function pushWrite(io: CliIo, paths: BoardPaths): Promise<void> {
  if (io.env.BEAD_PUSH === "0" || !(await boardHasRemote(paths))) return;
  const [{ resolveRemote }, { publish }] = await Promise.all([import("../git/remote.js"), import("../claim/remote-claim.js")]);
  try {
    await publish(writeContext(paths, io.env), await resolveRemote(paths, io.env));
  } catch (error) {
    if (!isBeadboardError(error)) throw error;
    io.err(`bead: committed here but not pushed (${error.message}); \`bead sync\` sends it\n`);
  }
}
