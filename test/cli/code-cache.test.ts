import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadBundle } from "../../src/cli/code-cache.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// A CommonJS module as esbuild writes them, using what the wrapper hands it.
const SOURCE = 'const path = require("node:path");\nexports.where = () => path.basename(__filename);\nexports.twice = (n) => n * 2;\n';

/**
 * V8 also keeps scripts it compiled in memory, by source and file name, and then never looks at
 * cached data: a run of the CLI loads its bundle once per process, so to stand for a new run each
 * load here uses a file name (not a base name: that names the cache) it has not used before.
 */
function fixture() {
  const dir = mkdtempSync(join(tmpdir(), "bead-code-cache-"));
  dirs.push(dir);
  const cacheDir = join(dir, "cache");
  const env = { BEAD_CODE_CACHE_DIR: cacheDir };
  let runs = 0;
  const bundleRun = (source: string) => {
    const path = join(dir, `run-${++runs}`, "bundle.cjs");
    mkdirSync(join(dir, `run-${runs}`));
    writeFileSync(path, source);
    return path;
  };
  const files = () => {
    try {
      return readdirSync(cacheDir).sort();
    } catch {
      return [];
    }
  };
  return { cacheDir, env, bundleRun, files };
}

const twice = (exports: Record<string, unknown>, n: number) => (exports.twice as (n: number) => number)(n);

describe("loading the CLI bundle with V8's code cache", () => {
  it("runs the bundle as a CommonJS module, then stores what V8 compiled, once per command", () => {
    const { cacheDir, env, bundleRun, files } = fixture();
    const first = loadBundle(bundleRun(SOURCE), { key: "set", env });
    expect((first.exports.where as () => string)()).toBe("bundle.cjs");
    expect(twice(first.exports, 21)).toBe(42);
    expect(files()).toEqual([]);
    first.saveCache();
    const [file] = files();
    expect(file).toMatch(new RegExp(`^bundle\\.cjs-[0-9a-f]+-\\d+-${process.version.replace(/\./g, "\\.")}-set\\.bin$`));
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);

    // The next run hands V8 the cache; V8 takes it, so it stays as it is.
    const stored = readFileSync(join(cacheDir, file!));
    const second = loadBundle(bundleRun(SOURCE), { key: "set", env });
    expect(twice(second.exports, 2)).toBe(4);
    second.saveCache();
    expect(readFileSync(join(cacheDir, file!)).equals(stored)).toBe(true);

    loadBundle(bundleRun(SOURCE), { key: "ls", env }).saveCache();
    loadBundle(bundleRun(SOURCE), { key: "../../etc/x", env }).saveCache();
    expect(files().map((name) => name.replace(/^.*-/, ""))).toEqual(["ls.bin", "other.bin", "set.bin"]);
  });

  it("replaces a cache that is corrupt or that V8 refuses, and drops the caches of other builds", () => {
    const { cacheDir, env, bundleRun, files } = fixture();
    loadBundle(bundleRun(SOURCE), { key: "set", env }).saveCache();
    const [first] = files();
    const valid = readFileSync(join(cacheDir, first!));
    writeFileSync(join(cacheDir, first!), valid.subarray(0, valid.length - 7)); // truncated
    const run = loadBundle(bundleRun(SOURCE), { key: "set", env });
    expect(twice(run.exports, 5)).toBe(10);
    run.saveCache();
    expect(readFileSync(join(cacheDir, first!)).length).toBeGreaterThan(valid.length - 7);

    // A rebuilt bundle gets caches of its own, and the old build's go.
    const rebuilt = `${SOURCE}exports.more = 1;\n`;
    loadBundle(bundleRun(rebuilt), { key: "set", env }).saveCache();
    const [second, ...others] = files();
    expect(others).toEqual([]);
    expect(second).not.toBe(first);

    // A well-formed cache made for other source: V8 refuses it, and it is replaced.
    writeFileSync(join(cacheDir, second!), valid);
    const again = loadBundle(bundleRun(rebuilt), { key: "set", env });
    expect(again.exports.more).toBe(1);
    again.saveCache();
    expect(readFileSync(join(cacheDir, second!)).equals(valid)).toBe(false);
  });

  it("runs without a cache when told to, or when the cache cannot be written", () => {
    const { cacheDir, env, bundleRun, files } = fixture();
    loadBundle(bundleRun(SOURCE), { key: "set", env: { ...env, BEAD_CODE_CACHE: "0" } }).saveCache();
    expect(files()).toEqual([]);

    writeFileSync(cacheDir, "a file where the cache directory should be");
    const blocked = loadBundle(bundleRun(SOURCE), { key: "set", env });
    expect(twice(blocked.exports, 1)).toBe(2);
    expect(() => blocked.saveCache()).not.toThrow();
  });
});
