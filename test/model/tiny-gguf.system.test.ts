import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTinyGguf } from "../helpers/tiny-gguf.js";

// Loads a real model in node-llama-cpp on CPU (seconds): a system test.
describe("tiny GGUF written by the test helper", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tiny-gguf-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function generate(stop: "never" | "at-once", maxTokens: number) {
    const { getLlama, LlamaChatSession } = await import("node-llama-cpp");
    const path = await writeTinyGguf(join(dir, `${stop}.gguf`), { stop });
    const llama = await getLlama({ gpu: false, build: "never" });
    const model = await llama.loadModel({ modelPath: path });
    const context = await model.createContext({ contextSize: 2048, threads: 1 });
    const sequence = context.getSequence();
    const session = new LlamaChatSession({ contextSequence: sequence });
    const result = await session.promptWithMeta("hello", { maxTokens });
    const tokensOut = sequence.tokenMeter.usedOutputTokens;
    await context.dispose();
    await model.dispose();
    return { stopReason: result.stopReason, tokensOut, text: result.responseText };
  }

  it("never stops on its own when built to never stop: the token limit ends it", async () => {
    const out = await generate("never", 12);
    expect(out.stopReason).toBe("maxTokens");
    expect(out.tokensOut).toBe(12);
  });

  it("stops at once when built to stop at once", async () => {
    const out = await generate("at-once", 50);
    expect(out.stopReason).toBe("eogToken");
    expect(out.text).toBe("");
  });
});
