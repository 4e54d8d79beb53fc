import { answerSignature, storeAnswer, storedAnswer } from "./answer-cache.js";
import { loadBoard, type Board } from "./load.js";
import type { BoardPaths } from "./paths.js";

/**
 * The answer to a read-only query, from the answer cache (board/answer-cache.ts) when the board
 * has not changed since it was stored, else computed from the board and stored. The answer is
 * stored only if the board still has the signature it had before computing, so an answer never
 * describes a board other than the one its signature names.
 */
export async function cachedQuery(paths: BoardPaths, query: string, compute: (board: Board) => string | Promise<string>): Promise<Buffer> {
  const signature = answerSignature(paths);
  if (signature !== undefined) {
    const stored = storedAnswer(paths, query, signature);
    if (stored !== undefined) return stored;
  }
  const answer = Buffer.from(await compute(await loadBoard(paths)), "utf8");
  if (signature !== undefined && answerSignature(paths) === signature) storeAnswer(paths, query, signature, answer);
  return answer;
}
