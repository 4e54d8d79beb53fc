import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../os/atomic-write.js";
import { isBeadFileName, RACY_MS } from "./bead-files.js";
import type { BoardPaths } from "./paths.js";

const VERSION = "q3";

/** Set by scripts/bundle.js to the package version and a hash of the sources; absent when the sources run directly. */
declare const __BEAD_BUILD__: string | undefined;

/** Which code rendered an answer: an answer stored by another build is never served. */
function buildId(): string {
  return typeof __BEAD_BUILD__ === "string" ? __BEAD_BUILD__ : "source";
}
const NEWLINE = 0x0a;

/**
 * Rendered answers of read-only queries (`bead ls --json`, `bead ready --json`), stored under
 * .git/beadboard/ with a signature of every bead file's (name, mtime, size, inode). Repeating a
 * query on an unchanged board stats the files and copies the stored bytes to stdout: no board
 * load, no stringify, no decoding. This module needs nothing but Node, so that the launcher
 * (src/cli/launch.ts) can answer before the CLI bundle is even loaded; board/query-cache.ts
 * computes and stores answers. Any change to any bead file changes the signature; a board with a
 * file saved in the last RACY_MS has no signature, so it is never answered from or stored in this
 * cache. The signature also names the build (package version and a hash of the sources), so
 * answers stored before an upgrade are never served after it.
 */
export function answerSignature(paths: BoardPaths): string | undefined {
  let listed: string[];
  try {
    listed = readdirSync(paths.beadsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") listed = [];
    else throw error;
  }
  // The names go in as listed (an unchanged directory lists in the same order; a reordered one
  // only costs a miss) and the stat numbers as raw doubles: building 10,000 strings and
  // collecting them cost more than the stat calls themselves.
  const prefix = `${paths.beadsDir}/`;
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
    .update(buildId())
    .update(names.join("\0"))
    .update(new Uint8Array(numbers.buffer, 0, names.length * 3 * 8))
    .digest("hex");
}

/** The stored answer to `query` if it was stored under `signature`. */
export function storedAnswer(paths: BoardPaths, query: string, signature: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(answerFile(paths, query));
  } catch {
    return undefined;
  }
  const newline = bytes.indexOf(NEWLINE);
  if (newline === -1 || bytes.toString("latin1", 0, newline) !== signature) return undefined;
  return bytes.subarray(newline + 1);
}

/** Store `answer`; a read-only board just answers without storing. */
export function storeAnswer(paths: BoardPaths, query: string, signature: string, answer: Buffer): void {
  try {
    writeFileAtomic(answerFile(paths, query), Buffer.concat([Buffer.from(`${signature}\n`, "latin1"), answer]));
  } catch {
    // read-only board, or no .git/beadboard/ yet
  }
}

function answerFile(paths: BoardPaths, query: string): string {
  return join(paths.stateDir, `query-${createHash("sha1").update(query).digest("hex").slice(0, 16)}.txt`);
}
