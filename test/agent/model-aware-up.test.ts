import { afterEach, describe, expect, it } from "vitest";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import { makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { replyJson, superviseOnce } from "./support.js";
import { runCli } from "../helpers/cli.js";

let board: TempBoard | undefined;
let double: OllamaDouble | undefined;
afterEach(async () => {
  await double?.close();
  await board?.cleanup();
});

const agent = (name: string, model: string, host: string) => `---\nname: ${name}\nprovider: ollama\nmodel: ${model}\nhost: ${host}\ntakes: { labels: [${name}] }\n---\nYou are ${name}.\n`;
const bead = (label: string, i: number) => `---\ntitle: ${label} job ${i}\nlabels: [${label}]\n---\nDo job ${i}.\n`;

async function boardWithThreeAgents(servers: string): Promise<TempBoard> {
  const files: Record<string, string> = { ".beadboard.yml": servers };
  for (const [name, model] of [["alpha", "a:1b"], ["beta", "b:1b"], ["gamma", "c:1b"]] as const) {
    files[`agents/${name}.md`] = agent(name, model, double!.url);
    for (let i = 0; i < 2; i++) files[`beads/${name}-${i}.md`] = bead(name, i);
  }
  return makeTempBoard(files);
}

describe("bead up on one server that fits two models, with three agents on three models", () => {
  it("one request at a time: batches by model, so each model loads once", async () => {
    double = await startOllamaDouble({ models: [{ name: "a:1b" }, { name: "b:1b" }, { name: "c:1b" }], replies: () => ({ content: replyJson() }), load: { maxLoaded: 2 } });
    board = await boardWithThreeAgents(`servers:\n  ${double.url}:\n    parallel: 1\n    models: 2\n    max_wait: 10m\n`);
    const run = await superviseOnce(board.dir);
    expect(Object.values(run.outcomes).map((o) => o.done)).toEqual([2, 2, 2]);
    // Alternating models (first come, first served) would load on almost every bead here.
    expect(double.loadStats()).toMatchObject({ loads: ["a:1b", "b:1b", "c:1b"], peakInFlight: 1, peakModelsInFlight: 1 });
    expect(run.logs).toContain(`model server ${double.url}: own profile, 1 request(s) and 2 model(s) at once`);
    // The gate's own count agrees with the server's, and bead stats shows it.
    const stats = await runCli(["stats", "--json"], { cwd: board.dir });
    expect((JSON.parse(stats.stdout) as { modelScheduling: unknown }).modelScheduling).toEqual({
      byServer: [{ server: double.url, loads: 3, models: ["a:1b", "b:1b", "c:1b"] }],
      overdue: { count: 0, longestMs: 0 },
    });
  });

  it("two requests and two models at once: never more", async () => {
    double = await startOllamaDouble({ models: [{ name: "a:1b" }, { name: "b:1b" }, { name: "c:1b" }], replies: () => ({ content: replyJson() }), load: { maxLoaded: 2 } });
    board = await boardWithThreeAgents(`servers:\n  ${double.url}: workstation\n`);
    const run = await superviseOnce(board.dir);
    expect(Object.values(run.outcomes).map((o) => o.done)).toEqual([2, 2, 2]);
    const stats = double.loadStats();
    expect(stats.peakInFlight).toBeLessThanOrEqual(2);
    expect(stats.peakModelsInFlight).toBeLessThanOrEqual(2);
    expect(run.logs).toContain(`model server ${double.url}: workstation profile, 2 request(s) and 2 model(s) at once`);
  });
});
