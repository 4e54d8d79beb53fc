import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelError, ModelFileMissingError, ModelUnreachableError } from "../../src/errors.js";
import { createEmbeddedProvider } from "../../src/model/embedded.js";
import { disposeIdleContexts } from "../../src/model/embedded-contexts.js";
import { writeTinyGguf } from "../helpers/tiny-gguf.js";

// Real inference on a tiny random-weight model written by the test (seconds): a system test.
describe("embedded provider on a tiny GGUF", () => {
  let board: string;
  beforeAll(async () => {
    board = await mkdtemp(join(tmpdir(), "embedded-"));
    await writeTinyGguf(join(board, "never.gguf"), { stop: "never", quoteBias: 8 });
    await writeTinyGguf(join(board, "once.gguf"), { stop: "at-once" });
  });
  afterAll(async () => {
    await disposeIdleContexts();
    await rm(board, { recursive: true, force: true });
  });
  const provider = () => createEmbeddedProvider({ boardRoot: board, threads: 1 }, (m) => `bead models pull ${m}`);

  it("a grammar-constrained reply parses as JSON of the schema's shape, tokens counted exactly", async () => {
    const schema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] };
    const reply = await provider().chat({ model: "never.gguf", messages: [{ role: "user", content: "hi" }], format: schema, options: { num_predict: 64 } });
    const parsed = JSON.parse(reply.content) as Record<string, unknown>;
    expect(typeof parsed.ok).toBe("boolean");
    expect(reply.tokensIn).toBeGreaterThan(0);
    expect(reply.tokensOut).toBeGreaterThan(0);
    expect(reply.tokensOut).toBeLessThanOrEqual(64);
  });

  it("the token limit bounds a model that never stops", async () => {
    const reply = await provider().chat({ model: "never.gguf", messages: [{ role: "user", content: "hi" }], options: { num_predict: 10 } });
    expect(reply.tokensOut).toBe(10);
  });

  it("abort stops generation of a model that never stops", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(provider().chat({ model: "never.gguf", messages: [{ role: "user", content: "hi" }], signal: controller.signal, options: { num_predict: 100000 } })).rejects.toBeInstanceOf(ModelError);
  });

  it("a timeout stops generation mid-reply of a model that never stops (100000 tokens would take minutes)", async () => {
    await expect(provider().chat({ model: "never.gguf", messages: [{ role: "user", content: "hi" }], timeoutMs: 500, options: { num_predict: 100000 } })).rejects.toThrow(/no full reply within 500 ms/);
  });

  it("the next call reuses the evaluated prefix of the last one, and a different conversation is evaluated in full", async () => {
    const system = `You are a test. ${"Rules. ".repeat(150)}`;
    const first = await provider().chat({ model: "never.gguf", messages: [{ role: "system", content: system }, { role: "user", content: "hi" }], options: { num_predict: 8 } });
    expect(first.tokensIn).toBeGreaterThan(system.length); // one token per byte in the tiny model
    const next = await provider().chat({
      model: "never.gguf",
      messages: [{ role: "system", content: system }, { role: "user", content: "hi" }, { role: "assistant", content: first.content }, { role: "user", content: "more" }],
      options: { num_predict: 8 },
    });
    expect(next.tokensIn).toBeLessThan(100);
    const other = await provider().chat({ model: "never.gguf", messages: [{ role: "system", content: `Another. ${system}` }, { role: "user", content: "hi" }], options: { num_predict: 8 } });
    expect(other.tokensIn).toBeGreaterThan(system.length);
  });

  it("a missing model file: a release-class error naming the path and the fetch command", async () => {
    const error = await provider().chat({ model: "absent.gguf", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileMissingError);
    expect(error).toBeInstanceOf(ModelUnreachableError);
    expect((error as Error).message).toContain(join(board, "absent.gguf"));
    expect((error as Error).message).toContain("bead models pull absent.gguf");
  });

  it("a corrupt model file is refused with the path", async () => {
    await writeFile(join(board, "corrupt.gguf"), "not a model at all");
    const error = await provider().chat({ model: "corrupt.gguf", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileMissingError);
    expect((error as Error).message).toMatch(/corrupt\.gguf is not a GGUF model/);
  });
});
