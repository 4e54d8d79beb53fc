import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { listBeadFiles, loadBoard, RACY_MS, type Board } from "./load.js";
import type { BoardPaths } from "./paths.js";

const VERSION = "q1";

/**
 * Rendered answers of read-only queries (`bead ls --json`, `bead ready --json`), stored under
 * .git/beadboard/ with a signature of every bead file's (name, mtime, size, inode). Repeating a
 * query on an unchanged board stats the files and prints the stored answer: no cache parse and
 * no stringify, which at 10,000 beads is most of the time above Node's own start-up. Any change
 * to any bead file changes the signature; a board with a file saved in the last RACY_MS is
 * never answered from or stored in this cache.
 */
export async function cachedQuery(paths: BoardPaths, query: string, compute: (board: Board) => string): Promise<string> {
  const signature = boardSignature(paths);
  const file = join(paths.stateDir, `query-${createHash("sha1").update(query).digest("hex").slice(0, 16)}.txt`);
  if (signature !== undefined) {
    const stored = readStored(file);
    if (stored !== undefined && stored.signature === signature) return stored.answer;
  }
  const answer = compute(await loadBoard(paths));
  if (signature !== undefined && boardSignature(paths) === signature) {
    try {
      writeFileAtomic(file, `${signature}\n${answer}`);
    } catch {
      // read-only board: answer without storing
    }
  }
  return answer;
}

/** Undefined when some file is too fresh to trust its stat data (see RACY_MS in load.ts). */
function boardSignature(paths: BoardPaths): string | undefined {
  const prefix = `${paths.beadsDir}/`;
  const racyBefore = Date.now() - RACY_MS;
  const names = listBeadFiles(paths.beadsDir);
  // One string hashed once: 10,000 separate hash updates cost more than the stats themselves.
  const parts: string[] = [VERSION];
  for (const name of names) {
    let stat;
    try {
      stat = statSync(prefix + name);
    } catch {
      continue; // deleted while we listed
    }
    if (stat.mtimeMs > racyBefore) return undefined;
    parts.push(`${name}\0${stat.mtimeMs}:${stat.size}:${stat.ino}`);
  }
  return createHash("sha1").update(parts.join("\n")).digest("hex");
}

function readStored(file: string): { signature: string; answer: string } | undefined {
  try {
    const text = readFileSync(file, "utf8");
    const newline = text.indexOf("\n");
    return newline === -1 ? undefined : { signature: text.slice(0, newline), answer: text.slice(newline + 1) };
  } catch {
    return undefined;
  }
}
