import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../helpers/cli.js";
import { makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import type { CheckRecord } from "../../src/model/check-log.js";

let board: TempBoard | undefined;
let double: OllamaDouble | undefined;
afterEach(async () => {
  await double?.close();
  await board?.cleanup();
  double = undefined;
  board = undefined;
});

const GiB = 1024 ** 3;

function agentFile(name: string, provider: string, model: string, host: string, options = "{ num_ctx: 8192, temperature: 0 }"): string {
  return `---\nname: ${name}\nprovider: ${provider}\nmodel: ${model}\nhost: ${host}\noptions: ${options}\n---\nYou are ${name}.\n`;
}

describe("bead models check", () => {
  it("reports the rates, load time and memory the Ollama double was set to, and appends them to models.jsonl", async () => {
    double = await startOllamaDouble({
      models: [{ name: "fast:3b", loadMs: 1200, promptTokensPerSecond: 800, evalTokensPerSecond: 45, size: 3 * GiB, sizeVram: 2 * GiB }],
      replies: () => ({ content: "one, two, three", evalTokens: 64 }),
      load: { maxLoaded: 1 },
    });
    board = await makeTempBoard({ "agents/coder.md": agentFile("coder", "ollama", "fast:3b", double.url), ".beadboard.yml": "prefix: bb\n" });
    const run = await runCli(["models", "check", "--json"], { cwd: board.dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const [record] = JSON.parse(run.stdout) as CheckRecord[];
    expect(record).toMatchObject({ agent: "coder", model: "fast:3b", num_ctx: 8192, num_ctx_from: "agent", ready: true });
    const [short, long] = record!.probes;
    for (const probe of [short!, long!]) {
      expect(probe.source).toBe("server");
      expect(probe.evalTokensPerSecond).toBeCloseTo(45, 3);
      expect(probe.promptTokensPerSecond).toBeCloseTo(800, 3);
      expect(probe.memory).toEqual({ size: 3 * GiB, sizeVram: 2 * GiB });
      expect(probe.cut).toBe(false);
    }
    // The first probe paid the load; the second found the model loaded.
    expect(short!.loadMs).toBe(1200);
    expect(long!.loadMs).toBe(0);
    expect(short!.firstTokenMs).toBeCloseTo(1200 + (short!.promptTokens * 1000) / 800 + 1000 / 45, 3);
    // The long probe is near num_ctx, sent with the agent's own options.
    expect(long!.sentTokens).toBeGreaterThan(8192 * 0.85);
    expect(long!.sentTokens).toBeLessThanOrEqual(8192);
    const chats = double.requests.filter((r) => r.path === "/api/chat").map((r) => r.body as { options: Record<string, unknown> });
    expect(chats.map((c) => c.options.num_ctx)).toEqual([8192, 8192]);
    const saved = readFileSync(join(board.dir, ".git/beadboard/models.jsonl"), "utf8").trim().split("\n");
    expect(JSON.parse(saved[0]!)).toEqual(record);
    // stats shows the last check (doctor too: models-check.system.test.ts).
    const stats = await runCli(["stats"], { cwd: board.dir });
    expect(stats.stdout).toMatch(/last models check:\n  coder: fast:3b: 45\/45 tokens\/s/);
  });

  it("gives a slow model, a cut prompt and an unreachable server each their own reason, and exits 1", async () => {
    double = await startOllamaDouble({
      models: [{ name: "slow:8b", evalTokensPerSecond: 8, promptTokensPerSecond: 100 }, { name: "nocontext:8b", evalTokensPerSecond: 50 }],
      replies: (request) => {
        const body = request.body as { model: string; messages: Array<{ content: string }> };
        const sent = Math.ceil(JSON.stringify(body.messages).length / 4);
        // The nocontext model behaves like an Ollama with its default 2048-token window.
        return { content: "one, two", evalTokens: 40, ...(body.model === "nocontext:8b" ? { promptTokens: Math.min(sent, 2048) } : {}) };
      },
      load: {},
    });
    board = await makeTempBoard({
      "agents/slow.md": agentFile("slow", "ollama", "slow:8b", double.url),
      "agents/cut.md": agentFile("cut", "ollama", "nocontext:8b", double.url, "{}"),
      "agents/gone.md": agentFile("gone", "ollama", "x:1b", "http://127.0.0.1:9"),
      ".beadboard.yml": "model_check:\n  min_tokens_per_s: 10\n",
    });
    const run = await runCli(["models", "check", "slow", "cut", "gone"], { cwd: board.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/slow: slow:8b .*\n(.*\n)*  NOT READY: short context \(\d+ tokens\): 8 tokens\/s, below 10/);
    expect(run.stdout).toMatch(/cut: nocontext:8b .*num_ctx 8192 \(not set; board token budget\)/);
    expect(run.stdout).toMatch(/long +\d+ tokens sent, 2048 read \(CUT\)/);
    expect(run.stdout).toMatch(/it cuts prompts \(set options.num_ctx in the agent file\)/);
    expect(run.stdout).toMatch(/gone: x:1b .*\n  NOT READY: model server http:\/\/127.0.0.1:9 unreachable/);
  });

  it("reads llama-server timings on an OpenAI-compatible server", async () => {
    double = await startOllamaDouble({ models: [{ name: "m", evalTokensPerSecond: 33, promptTokensPerSecond: 300 }], replies: () => ({ content: "one", evalTokens: 30 }), load: {} });
    board = await makeTempBoard({ "agents/v1.md": agentFile("v1", "openai", "m", `${double.url}/v1`) });
    const run = await runCli(["models", "check", "v1", "--json"], { cwd: board.dir });
    const [record] = JSON.parse(run.stdout) as CheckRecord[];
    expect(record!.probes.map((p) => Math.round(p.evalTokensPerSecond! * 1000) / 1000)).toEqual([33, 33]);
    expect(record!.probes.map((p) => Math.round(p.promptTokensPerSecond! * 1000) / 1000)).toEqual([300, 300]);
    expect(record!.ready).toBe(true);
  });

  it("refuses an unknown agent and a bad threshold, naming the file and line", async () => {
    board = await makeTempBoard({ ".beadboard.yml": "prefix: bb\nmodel_check:\n  min_tokens_per_s: fast\n" });
    const bad = await runCli(["models", "check"], { cwd: board.dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/\.beadboard\.yml:3: model_check\.min_tokens_per_s: .*expected number/);
    board.write(".beadboard.yml", "prefix: bb\n");
    const missing = await runCli(["models", "check", "nobody"], { cwd: board.dir });
    expect(missing.code).toBe(2);
  });
});
