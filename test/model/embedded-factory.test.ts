/** An embedded agent's options reach the engine under Ollama's names; bad values fall back to the defaults, never to NaN. */
import { describe, expect, it } from "vitest";
import { parseAgent } from "../../src/agent/parse.js";
import type { EmbeddedProvider } from "../../src/model/embedded.js";
import { providerFor } from "../../src/agent/provider-for.js";

function embeddedAgent(options: string) {
  const agent = parseAgent(`---\nname: tiny\nprovider: embedded\nmodel: models/tiny.gguf\noptions: ${options}\n---\nYou are tiny.\n`, "agents/tiny.md");
  return { ...agent, boardRoot: "/board" };
}

describe("providerFor with provider: embedded", () => {
  it("num_gpu and num_thread become GPU layers and threads", () => {
    const provider = providerFor(embeddedAgent("{ num_gpu: 20, num_thread: 4 }"), {}) as EmbeddedProvider;
    expect(provider.kind).toBe("embedded");
    expect(provider.engineSettings).toEqual({ gpuLayers: 20, threads: 4 });
  });

  it("absent or unusable values give the defaults: no GPU layers, one thread", () => {
    expect((providerFor(embeddedAgent("{}"), {}) as EmbeddedProvider).engineSettings).toEqual({ gpuLayers: 0, threads: 1 });
    expect((providerFor(embeddedAgent('{ num_gpu: "many", num_thread: 2.5 }'), {}) as EmbeddedProvider).engineSettings).toEqual({ gpuLayers: 0, threads: 1 });
    expect((providerFor(embeddedAgent("{ num_gpu: -1, num_thread: -3 }"), {}) as EmbeddedProvider).engineSettings).toEqual({ gpuLayers: 0, threads: 1 });
  });
});
