import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readBoardConfig } from "../../src/board/config.js";
import { PRESETS, parseBytes } from "../../src/board/servers-config.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function configOf(text: string) {
  dir = mkdtempSync(join(tmpdir(), "servers-"));
  const file = join(dir, ".beadboard.yml");
  writeFileSync(file, text);
  return readBoardConfig(file);
}

describe("servers: in .beadboard.yml", () => {
  it("takes a preset alone, a preset with overrides, or settings of its own", async () => {
    const config = await configOf(
      [
        "servers:",
        "  http://127.0.0.1:11434: laptop",
        "  http://gpu:11434:",
        "    preset: server",
        "    models: 2",
        "    memory: 48GB",
        "    max_wait: 30s",
        "  http://box:8080/v1:",
        "    parallel: 3",
        "model_check:",
        "  min_tokens_per_s: 30",
        "  max_first_token: 5s",
        "",
      ].join("\n"),
    );
    expect(config.servers).toEqual({
      "http://127.0.0.1:11434": PRESETS.laptop,
      "http://gpu:11434": { ...PRESETS.server, maxModels: 2, memoryBytes: 48 * 1024 ** 3, maxWaitMs: 30_000 },
      "http://box:8080/v1": { parallel: 3, maxModels: 1, maxWaitMs: 120_000 },
    });
    expect(config.modelCheck).toEqual({ minTokensPerSecond: 30, maxFirstTokenMs: 5000 });
  });

  it.each([
    ["servers:\n  http://a:1: desktop\n", /\.beadboard\.yml:2: servers\.http:\/\/a:1: .*; see docs\/MODELS\.md/],
    ["prefix: bb\nservers:\n  http://a:1:\n    parallel: 0\n", /\.beadboard\.yml:4: servers\.http:\/\/a:1\.parallel: .*1 or more/],
    ["servers:\n  http://a:1:\n    preset: laptop\n    modles: 2\n", /\.beadboard\.yml:4: servers\.http:\/\/a:1\.modles: /],
    ["servers:\n  http://a:1:\n    memory: lots\n", /\.beadboard\.yml:3: servers\.http:\/\/a:1\.memory: "lots" is not a size; write e\.g\. 24GB/],
    ["servers:\n  http://a:1:\n    max_wait: soon\n", /\.beadboard\.yml:3: servers\.http:\/\/a:1\.max_wait: .*not a duration/],
    ["servers: [laptop]\n", /\.beadboard\.yml:1: servers: /],
  ])("refuses %j naming the file, the line and the fix", async (text, message) => {
    await expect(configOf(text)).rejects.toThrow(message);
  });

  it("reads sizes as people write them", () => {
    expect(parseBytes("512MB")).toBe(512 * 1024 ** 2);
    expect(parseBytes("8 GiB")).toBe(8 * 1024 ** 3);
    expect(parseBytes(1000)).toBe(1000);
    expect(() => parseBytes("8 GB-ish")).toThrow(/not a size/);
  });
});
