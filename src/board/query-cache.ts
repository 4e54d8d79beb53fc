import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { isBeadFileName, loadBoard, RACY_MS, type Board } from "./load.js";
import type { BoardPaths } from "./paths.js";

const VERSION = "q2";
const NEWLINE = 0x0a;

/**
 * Rendered answers of read-only queries (`bead ls --json`, `bead ready --json`), stored under
 * .git/beadboard/ with a signature of every bead file's (name, mtime, size, inode). Repeating a
 * query on an unchanged board stats the files and copies the stored bytes to stdout: no cache
 * parse, no stringify, no decoding, which at 10,000 beads is most of the time above Node's own
 * start-up. Any change to any bead file changes the signature; a board with a file saved in the
 * last RACY_MS is never answered from or stored in this cache.
 */
export async function cachedQuery(paths: BoardPaths, query: string, compute: (board: Board) => string | Promise<string>): Promise<Buffer> {
  const signature = boardSignature(paths.beadsDir);
  const file = join(paths.stateDir, `query-${createHash("sha1").update(query).digest("hex").slice(0, 16)}.txt`);
  if (signature !== undefined) {
    const stored = readStored(file, signature);
    if (stored !== undefined) return stored;
  }
  const answer = Buffer.from(await compute(await loadBoard(paths)), "utf8");
  if (signature !== undefined && boardSignature(paths.beadsDir) === signature) {
    try {
      writeFileAtomic(file, Buffer.concat([Buffer.from(`${signature}\n`, "latin1"), answer]));
    } catch {
      // read-only board: answer without storing
    }
  }
  return answer;
}

/**
 * Undefined when some file is too fresh to trust its stat data (see RACY_MS in load.ts). The
 * names go in as listed (an unchanged directory lists in the same order; a reordered one only
 * costs a miss) and the stat numbers as raw doubles: building 10,000 strings and collecting them
 * cost more than the stat calls themselves.
 */
function boardSignature(beadsDir: string): string | undefined {
  let listed: string[];
  try {
    listed = readdirSync(beadsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") listed = [];
    else throw error;
  }
  const prefix = `${beadsDir}/`;
  const racyBefore = Date.now() - RACY_MS;
  const names: string[] = [];
  const numbers = new Float64Array(listed.length * 3);
  for (const name of listed) {
    if (!isBeadFileName(name)) continue;
    const stat = statSync(prefix + name, { throwIfNoEntry: false });
    if (stat === undefined) continue; // deleted while we listed
    if (stat.mtimeMs > racyBefore) return undefined;
    const at = names.length * 3;
    numbers[at] = stat.mtimeMs;
    numbers[at + 1] = stat.size;
    numbers[at + 2] = stat.ino;
    names.push(name);
  }
  return createHash("sha1")
    .update(VERSION)
    .update(names.join("\0"))
    .update(new Uint8Array(numbers.buffer, 0, names.length * 3 * 8))
    .digest("hex");
}

function readStored(file: string, signature: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const newline = bytes.indexOf(NEWLINE);
  if (newline === -1 || bytes.toString("latin1", 0, newline) !== signature) return undefined;
  return bytes.subarray(newline + 1);
}
