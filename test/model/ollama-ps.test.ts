import { afterEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadedModels, sameModel } from "../../src/model/ollama-ps.js";
import { appendChecks, lastChecks, type CheckRecord } from "../../src/model/check-log.js";

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A hostile "Ollama" that answers /api/ps with whatever body the test gives it. */
async function serving(body: string, status = 200): Promise<string> {
  server = createServer((_req, res) => res.writeHead(status, { "content-type": "application/json" }).end(body));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("loadedModels (/api/ps)", () => {
  it("reads names, size and size_vram", async () => {
    const host = await serving(JSON.stringify({ models: [{ name: "qwen3:8b", size: 6, size_vram: 4, extra: 1 }] }));
    expect(await loadedModels(host)).toEqual([{ name: "qwen3:8b", size: 6, sizeVram: 4 }]);
  });

  it.each([
    ["a body over 1 MB", JSON.stringify({ models: [], pad: "x".repeat(1024 * 1024 + 1) }), /over 1048576 bytes/],
    ["another shape", JSON.stringify({ models: [{ name: 7 }] }), /another shape/],
    ["not JSON", "<html>", /JSON/],
  ])("refuses %s", async (_what, body, message) => {
    const host = await serving(body);
    await expect(loadedModels(host)).rejects.toThrow(message);
  });

  it("refuses an error status", async () => {
    const host = await serving("{}", 500);
    await expect(loadedModels(host)).rejects.toThrow(/answered 500/);
  });

  it("treats a name without a tag as :latest", () => {
    expect(sameModel("qwen3", "qwen3:latest")).toBe(true);
    expect(sameModel("qwen3:8b", "qwen3:latest")).toBe(false);
  });
});

describe("models.jsonl", () => {
  const record = (agent: string, ready: boolean): CheckRecord => ({ at: "2026-01-01T00:00:00Z", agent, provider: "ollama", model: "m", num_ctx: 4096, num_ctx_from: "board", probes: [], ready, reasons: [] });

  it("keeps the newest check per agent and skips torn or foreign lines", () => {
    const dir = mkdtempSync(join(tmpdir(), "checks-"));
    try {
      appendChecks(dir, [record("a", false), record("b", true)]);
      writeFileSync(join(dir, "models.jsonl"), `${JSON.stringify(record("a", false))}\n{"torn":\n[1,2]\n${JSON.stringify(record("a", true))}\n`, { flag: "a" });
      const last = lastChecks(dir);
      expect([...last.keys()]).toEqual(["a", "b"]);
      expect(last.get("a")?.ready).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never follows a symlinked models.jsonl", () => {
    const dir = mkdtempSync(join(tmpdir(), "checks-"));
    try {
      writeFileSync(join(dir, "elsewhere"), `${JSON.stringify(record("x", true))}\n`);
      symlinkSync(join(dir, "elsewhere"), join(dir, "models.jsonl"));
      expect(lastChecks(dir).size).toBe(0);
      expect(() => appendChecks(dir, [record("y", true)])).toThrow(/ELOOP/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
