import { mkdirSync, readdirSync, readFileSync, unlinkSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { constants, Script } from "node:vm";
import { crc32 } from "node:zlib";
import { writeFileAtomic } from "../os/atomic-write.js";

/**
 * Loading the bundled CLI with V8's code cache. A `bead` process is short: compiling the bundle
 * was a third of a `bead set` above Node's own start (bench/RESULTS.md). Like Node 22's
 * module.enableCompileCache (which Node 20 lacks), the bytecode V8 compiled in an earlier run is
 * handed back to it, here per command, since each command runs different functions. A missing,
 * stale, corrupt or unwritable cache only costs a compile, never correctness.
 *
 * V8 checks a cache against its own version and flags but against the source only by length, so
 * the cache is named after a checksum of the bundle's bytes, and each file carries a checksum of
 * its own content. The directory is per user (~/.cache/beadboard/v8, mode 0700): V8 trusts
 * cached data, so it must not come from a place another user can write to, such as a shared
 * temp dir.
 */
export interface LoadedBundle {
  exports: Record<string, unknown>;
  /** Store the code V8 compiled so far, unless V8 used a stored one. Never throws. */
  saveCache(): void;
}

export interface CodeCacheOptions {
  /** Which cache of this bundle to use: the functions a command runs differ between commands. */
  key: string;
  env?: NodeJS.ProcessEnv;
}

const MAGIC = Buffer.from("BEADV8C1", "latin1");
const HEADER = MAGIC.length + 4;

export function loadBundle(bundlePath: string, options: CodeCacheOptions): LoadedBundle {
  const bytes = readFileSync(bundlePath);
  const cache = cacheFileFor(bundlePath, bytes, options);
  const cachedData = cache ? readCache(cache.path) : undefined;
  const script = new Script(Module.wrap(bytes.toString("utf8")), {
    filename: bundlePath,
    ...(cachedData ? { cachedData } : {}),
    // The bundle has no import() of its own (scripts/bundle.js turns them into require(): in Node
    // 20 a script run from cached data loses this callback); this serves code it evals, if any.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} as Record<string, unknown> };
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  return {
    exports: module.exports,
    saveCache: () => {
      if (!cache || (cachedData && !script.cachedDataRejected)) return;
      try {
        mkdirSync(dirname(cache.path), { recursive: true, mode: 0o700 });
        const data = script.createCachedData();
        const header = Buffer.alloc(HEADER);
        MAGIC.copy(header);
        header.writeUInt32BE(crc32(data), MAGIC.length);
        writeFileAtomic(cache.path, Buffer.concat([header, data]));
        pruneOtherBuilds(cache);
      } catch {
        // read-only home, full disk: run without a cache
      }
    },
  };
}

/** A stored cache whose checksum holds, else undefined (missing, truncated, or not ours). */
function readCache(path: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  if (file.length <= HEADER || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = file.subarray(HEADER);
  return crc32(data) === file.readUInt32BE(MAGIC.length) ? data : undefined;
}

interface CacheFile {
  path: string;
  /** Names of this bundle's caches, any build: `<bundle>-`. */
  bundlePrefix: string;
  /** Names of this build's caches: `<bundle>-<checksum>-<node version>-`. */
  buildPrefix: string;
}

/** Undefined when caching is off (BEAD_CODE_CACHE=0) or there is no home directory to keep it in. */
function cacheFileFor(bundlePath: string, bytes: Buffer, options: CodeCacheOptions): CacheFile | undefined {
  const env = options.env ?? process.env;
  if (env.BEAD_CODE_CACHE === "0") return undefined;
  let dir = env.BEAD_CODE_CACHE_DIR;
  if (!dir) {
    const base = env.XDG_CACHE_HOME || (homedir() ? join(homedir(), ".cache") : "");
    if (!base) return undefined;
    dir = join(base, "beadboard", "v8");
  }
  const key = /^[a-z][a-z0-9-]{0,31}$/.test(options.key) ? options.key : "other";
  const bundlePrefix = `${basename(bundlePath)}-`;
  const buildPrefix = `${bundlePrefix}${crc32(bytes).toString(16)}-${bytes.length}-${process.version}-`;
  return { path: join(dir, `${buildPrefix}${key}.bin`), bundlePrefix, buildPrefix };
}

/** Caches of other builds of this bundle (or another Node) are never used again: remove them. */
function pruneOtherBuilds(cache: CacheFile): void {
  const dir = dirname(cache.path);
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(cache.bundlePrefix) || name.startsWith(cache.buildPrefix)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // removed by a concurrent run
    }
  }
}
