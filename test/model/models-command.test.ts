/**
 * `bead models pull|ls|rm` against a hub test double: an HTTP server on 127.0.0.1 speaking the
 * Hugging Face manifest and resolve URLs, able to drop a connection mid-file or lie about sizes.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { progressLine, progressReporter } from "../../src/model/download-progress.js";
import { runCli } from "../helpers/cli.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";

const MODEL = Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(200_000, 7)]);
const URI = "hf:someone/tiny-GGUF:Q4_K_M";
const FILE = "someone--tiny-GGUF--Q4_K_M.gguf";

interface HubDouble {
  url: string;
  ranges: Array<string | undefined>;
  /** Bytes to send before dropping the connection, on the first file request only. */
  dropAfter?: number;
  /** The file whose growth tells the double the client has the first bytes (so the drop cuts a started download). */
  partFile?: string;
  manifestSize?: number;
  manifestFile?: string;
  close(): Promise<void>;
}

async function startHub(): Promise<HubDouble> {
  let fileRequests = 0;
  const hub: HubDouble = { url: "", ranges: [], close: async () => {} };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === "/v2/someone/tiny-GGUF/manifests/Q4_K_M") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ ggufFile: { rfilename: hub.manifestFile ?? "tiny-Q4_K_M.gguf", size: hub.manifestSize ?? MODEL.length } }));
      return;
    }
    if (req.url !== "/someone/tiny-GGUF/resolve/main/tiny-Q4_K_M.gguf") {
      res.statusCode = 404;
      res.end("no");
      return;
    }
    fileRequests++;
    const range = req.headers.range;
    hub.ranges.push(range);
    const from = range ? Number(/^bytes=(\d+)-$/.exec(range)?.[1]) : 0;
    res.statusCode = range ? 206 : 200;
    if (range) res.setHeader("content-range", `bytes ${from}-${MODEL.length - 1}/${MODEL.length}`);
    res.setHeader("content-length", String(MODEL.length - from));
    if (fileRequests === 1 && hub.dropAfter !== undefined) {
      res.flushHeaders();
      res.write(MODEL.subarray(from, from + hub.dropAfter));
      // Drop only once the client has bytes on disk: a drop before that is no resume to test.
      const dropWhenWritten = (turns: number) => {
        if (turns > 100_000 || (hub.partFile && existsSync(hub.partFile) && statSync(hub.partFile).size > 0)) res.socket?.destroy();
        else setImmediate(() => dropWhenWritten(turns + 1));
      };
      dropWhenWritten(0);
      return;
    }
    res.end(MODEL.subarray(from));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hub.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return hub;
}

let hub: HubDouble;
let cache: string;
beforeEach(async () => {
  hub = await startHub();
  cache = await mkdtemp(join(tmpdir(), "models-cache-"));
});
afterEach(async () => {
  await hub.close();
  await rm(cache, { recursive: true, force: true });
  await cleanupTempBoards();
});

const env = () => ({ BEAD_MODELS_DIR: cache, BEAD_MODELS_BASE_URL: hub.url });

describe("bead models pull", () => {
  it("says the size first, prints plain progress lines off a terminal, and saves the complete file", async () => {
    const run = await runCli(["models", "pull", URI], { cwd: cache, env: env() });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.trim().split("\n");
    expect(lines[0]).toContain(`${MODEL.length} bytes`);
    expect(lines.some((l) => /\/ 200 KB \(100%\)  .*\/s  ETA/.test(l))).toBe(true);
    expect(lines.every((l) => !l.includes("\r"))).toBe(true);
    expect(readFileSync(join(cache, FILE)).equals(MODEL)).toBe(true);
    expect(existsSync(join(cache, `${FILE}.part`))).toBe(false);
    const again = await runCli(["models", "pull", URI], { cwd: cache, env: env() });
    expect(again.stdout).toContain("already in the cache");
  });

  it("resumes with an HTTP Range after a dropped connection", async () => {
    hub.dropAfter = 50_000;
    hub.partFile = join(cache, `${FILE}.part`);
    const run = await runCli(["models", "pull", URI], { cwd: cache, env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(hub.ranges.length, run.stdout + run.stderr).toBe(2);
    expect(hub.ranges[1], run.stderr).toBeDefined();
    expect(hub.ranges[0]).toBeUndefined();
    expect(hub.ranges.at(-1)).toMatch(/^bytes=\d+-$/);
    expect(Number(/^bytes=(\d+)-$/.exec(hub.ranges.at(-1)!)?.[1])).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/connection dropped .*; resuming at \d+ bytes/);
    expect(readFileSync(join(cache, FILE)).equals(MODEL)).toBe(true);
    expect(existsSync(join(cache, `${FILE}.part`))).toBe(false);
  });

  it("refuses a size that disagrees with the manifest, leaving no model and no .part", async () => {
    hub.manifestSize = MODEL.length + 1;
    const run = await runCli(["models", "pull", URI], { cwd: cache, env: env() });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/size mismatch: expected 200005 bytes, the server says 200004/);
    expect(existsSync(join(cache, FILE))).toBe(false);
    expect(existsSync(join(cache, `${FILE}.part`))).toBe(false);
  });

  it("a manifest naming a file outside the repo (..) is refused before any download", async () => {
    hub.manifestFile = "../../other/evil.gguf";
    const run = await runCli(["models", "pull", URI], { cwd: cache, env: env() });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/no usable ggufFile\.rfilename/);
    expect(hub.ranges).toHaveLength(0);
  });

  it("a quant the hub does not have: a clear error, nothing written", async () => {
    const run = await runCli(["models", "pull", "hf:someone/tiny-GGUF:Q9_X"], { cwd: cache, env: env() });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/answered 404: no quant Q9_X/);
    expect(existsSync(join(cache, "someone--tiny-GGUF--Q9_X.gguf"))).toBe(false);
  });
});

describe("bead models ls and rm", () => {
  it("ls lists cached models, sizes and the agents using them; rm removes by URI and refuses paths", async () => {
    const board = await makeTempBoard({ "agents/tiny.md": `---\nname: tiny\nprovider: embedded\nmodel: ${URI}\n---\nTiny.\n`, "agents/other.md": "---\nname: other\nprovider: embedded\nmodel: hf:a/b:Q8_0\n---\nOther.\n" });
    await runCli(["models", "pull", URI], { cwd: cache, env: env() });
    const ls = await runCli(["models", "ls", "-C", board.dir], { cwd: board.dir, env: env() });
    expect(ls.stdout).toMatch(new RegExp(`${FILE}  200 KB  used by tiny`));
    expect(ls.stdout).toContain("agent other: model hf:a/b:Q8_0 is missing");
    expect(ls.stdout).toContain("bead models pull hf:a/b:Q8_0");
    expect((await runCli(["models", "rm", "../etc/passwd"], { cwd: cache, env: env() })).stderr).toMatch(/only files in/);
    const removed = await runCli(["models", "rm", URI], { cwd: cache, env: env() });
    expect(removed.code, removed.stderr).toBe(0);
    expect(existsSync(join(cache, FILE))).toBe(false);
    expect((await runCli(["models", "rm", URI], { cwd: cache, env: env() })).code).not.toBe(0);
  });
});

describe("download progress", () => {
  it("bytes, rate and ETA from an injected clock; a terminal redraws one line at most every 250 ms", () => {
    expect(progressLine(500_000, 1_000_000, 500_000, 1000)).toBe("500 KB / 1.0 MB (50%)  500 KB/s  ETA 1s");
    let t = 0;
    const out: string[] = [];
    const reporter = progressReporter(true, () => t, (text) => out.push(text));
    reporter.begin(0);
    for (const [step, done] of [[100, 100], [100, 200], [200, 300]] as const) {
      t += step;
      reporter.update(done, 1000); // printed at 100 ms, skipped at 200 ms, printed at 400 ms
    }
    t += 300;
    reporter.update(1000, 1000);
    expect(out).toHaveLength(3);
    expect(out.every((text) => text.startsWith("\r"))).toBe(true);
    expect(out.at(-1)).toMatch(/\(100%\).*\n$/);
  });
});
