/** How many tasks run at once without --parallel: the agent's concurrency within its server's limit. */
import { describe, expect, it } from "vitest";
import { defaultParallel } from "../../src/eval/evaluate-agent.js";
import { parseAgent } from "../../src/agent/parse.js";
import type { Provider } from "../../src/model/provider.js";

const agent = (fields: string) => parseAgent(`---\nname: a\n${fields}\n---\nx\n`, "agents/a.md");
const server = { host: "http://127.0.0.1:11434" } as Provider;
const inProcess = { host: undefined } as Provider;

describe("defaultParallel", () => {
  it("takes no more than the server's limit (BEAD_SERVER_CONCURRENCY, default 1), as bead up does", () => {
    expect(defaultParallel(agent("model: m\nconcurrency: 4"), server, {})).toBe(1);
    expect(defaultParallel(agent("model: m\nconcurrency: 4"), server, { BEAD_SERVER_CONCURRENCY: "3" })).toBe(3);
    expect(defaultParallel(agent("model: m\nconcurrency: 2"), server, { BEAD_SERVER_CONCURRENCY: "8" })).toBe(2);
    expect(defaultParallel(agent("model: m\nconcurrency: 2"), server, { BEAD_SERVER_CONCURRENCY: "lots" })).toBe(1);
    // A `servers:` profile for the agent's host decides, as it does for `bead up`.
    const profile = { parallel: 3, maxModels: 2, maxWaitMs: 60_000 };
    expect(defaultParallel(agent("model: m\nconcurrency: 4"), server, {}, { [server.host!]: profile })).toBe(3);
    expect(defaultParallel(agent("model: m\nconcurrency: 4"), server, { BEAD_SERVER_CONCURRENCY: "8" }, { "other:11434": profile })).toBe(4);
  });

  it("an embedded model has no server: the agent's concurrency", () => {
    expect(defaultParallel(agent("provider: embedded\nmodel: x.gguf\nconcurrency: 2"), inProcess, {})).toBe(2);
  });
});
