import type { BoardPaths } from "../board/paths.js";
import { pushAfterWrite } from "../claim/push-after-write.js";
import type { CliIo } from "./io.js";

/** A CLI write on a synced board is pushed at once (claim/push-after-write.ts); a failed push is a note on stderr. */
export async function pushWrite(io: CliIo, paths: BoardPaths): Promise<void> {
  await pushAfterWrite(paths, io.env, (line) => io.err(`bead: ${line}\n`));
}
