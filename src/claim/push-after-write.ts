import type { BoardPaths } from "../board/paths.js";
import { writeContext } from "../board/write.js";
import { isBeadboardError } from "../errors.js";
import { boardHasRemote } from "../sync/remote-config.js";

/**
 * After a write on a synced board (the CLI's `new`, `set`, `close`, `reopen`, `dep`, `release`, and
 * the web board's actions): push it, as `bead claim` does, so other clones see it now rather than at
 * someone's next sync (docs/SYNC.md). The write is committed either way: a push that fails is a
 * note (`warn`), not a failure, and the next `bead sync` or `bead up` sends it. BEAD_PUSH=0 leaves
 * every write local.
 */
export async function pushAfterWrite(paths: BoardPaths, env: NodeJS.ProcessEnv, warn: (line: string) => void): Promise<void> {
  if (env.BEAD_PUSH === "0" || !(await boardHasRemote(paths))) return;
  const [{ resolveRemote }, { publish }] = await Promise.all([import("../sync/remote.js"), import("./remote-claim.js")]);
  try {
    await publish(writeContext(paths, env), await resolveRemote(paths, env));
  } catch (error) {
    if (!isBeadboardError(error)) throw error;
    warn(`committed here but not pushed (${error.message}); \`bead sync\` sends it`);
  }
}
