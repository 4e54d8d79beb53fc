/**
 * `bead up --once` (the built CLI, a real OS process) works a bead on an embedded agent whose
 * model is a tiny GGUF written by the test, without any network connection: a preload records
 * every socket connection and refuses non-loopback ones, and HTTP(S)_PROXY point at a closed port.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { runBeadProcess, runCli } from "../helpers/cli.js";
import { writeTinyGguf } from "../helpers/tiny-gguf.js";
import { cleanupTempBoards, makeTempBoard, runGit } from "../helpers/temp-board.js";
import { testEnv } from "../agent/support.js";

const PRELOAD = fileURLToPath(new URL("../fixtures/no-network-preload.cjs", import.meta.url));
let scratch: string;

beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL("../../dist/bundle/bead.cjs", import.meta.url)))) throw new Error("dist/ is missing: run `npm run build` first");
  scratch = await mkdtemp(join(tmpdir(), "embedded-up-"));
});
afterAll(async () => {
  await cleanupTempBoards();
  await rm(scratch, { recursive: true, force: true });
});

function embeddedAgent(model: string, extra: string[] = []): string {
  return `---\nname: tiny\nprovider: embedded\nmodel: ${model}\ntakes: { labels: [code] }\nmax_attempts: 2\noptions: { num_predict: 160, temperature: 0 }\n${extra.map((l) => `${l}\n`).join("")}---\nYou are tiny.\n`;
}

function offlineEnv(connections: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return testEnv({
    NODE_OPTIONS: `--require ${PRELOAD}`,
    BEAD_TEST_CONNECTIONS_FILE: connections,
    HTTP_PROXY: "http://127.0.0.1:9",
    HTTPS_PROXY: "http://127.0.0.1:9",
    BEAD_MODELS_DIR: join(scratch, "models"),
    ...extra,
  });
}

describe("bead up --once with an embedded agent", () => {
  it("brings the bead to a final state with its commits, with no network connection at all", async () => {
    const board = await makeTempBoard({
      "agents/tiny.md": embeddedAgent("models/tiny.gguf"),
      "beads/bb-1.md": beadText(["title: Say something", "labels: [code]"], "Anything.\n"),
    });
    await mkdir(join(board.dir, "models"));
    await writeTinyGguf(join(board.dir, "models", "tiny.gguf"), { stop: "never", quoteBias: 8 });
    await writeFile(join(board.dir, ".gitignore"), "models/\n");
    const connections = join(scratch, "connections-1.txt");
    const run = await runBeadProcess(["up", "--once", "-C", board.dir], { cwd: board.dir, env: offlineEnv(connections), timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    const status = /^status: (\w+)$/m.exec(await runGit(board.dir, ["show", "HEAD:beads/bb-1.md"]))?.[1];
    expect(["done", "failed", "blocked"], run.stderr).toContain(status);
    const history = await runGit(board.dir, ["log", "--format=%s", "--", "beads/bb-1.md"]);
    expect(history.split("\n").filter(Boolean).length).toBeGreaterThanOrEqual(3); // created, claimed, final
    expect(readFileSync(connections, "utf8")).toBe(""); // exists: the preload ran; empty: no connection
    const metrics = readFileSync(join(board.dir, ".git", "beadboard", "metrics.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const call = metrics.find((m) => m.event === "model_call" && m.agent === "tiny");
    expect(call?.locality).toBe("local");
    expect(call?.tokens_in).toBeGreaterThan(0);
    expect(call?.tokens_out).toBeGreaterThan(0);
    expect(typeof call?.load_ms).toBe("number");
    expect(call?.tokens_per_s).toBeGreaterThan(0);
  }, 150_000);

  it("a missing hf: model: one line naming the pull command, the bead released (open), not failed", async () => {
    const board = await makeTempBoard({
      "agents/tiny.md": embeddedAgent("hf:someone/tiny-GGUF:Q4_K_M"),
      "beads/bb-1.md": beadText(["title: Say something", "labels: [code]"], "Anything.\n"),
    });
    const connections = join(scratch, "connections-2.txt");
    const run = await runBeadProcess(["up", "--once", "-C", board.dir], { cwd: board.dir, env: offlineEnv(connections), timeoutMs: 60_000 });
    const lines = (run.stdout + run.stderr).split("\n").filter((l) => l.includes("bead models pull hf:someone/tiny-GGUF:Q4_K_M"));
    expect(lines.length, run.stdout + run.stderr).toBeGreaterThanOrEqual(1);
    const status = /^status: (\w+)$/m.exec(await runGit(board.dir, ["show", "HEAD:beads/bb-1.md"]))?.[1] ?? "open";
    expect(status).toBe("open");
    expect(readFileSync(connections, "utf8")).toBe(""); // exists: the preload ran; empty: no connection
  }, 90_000);

  it("doctor reports the engine (backend, RAM) and each embedded agent's model file without loading it", async () => {
    const board = await makeTempBoard({
      "agents/tiny.md": embeddedAgent("models/tiny.gguf"),
      "agents/absent.md": embeddedAgent("hf:someone/tiny-GGUF:Q4_K_M").replace("name: tiny", "name: absent"),
    });
    await mkdir(join(board.dir, "models"));
    await writeTinyGguf(join(board.dir, "models", "tiny.gguf"), { stop: "at-once" });
    const run = await runCli(["doctor", "-C", board.dir], { cwd: board.dir, env: { BEAD_MODELS_DIR: join(scratch, "models") } });
    expect(run.stdout).toMatch(/ok +embedded engine: node-llama-cpp installed, backend \w+; (?:CPU only \(no GPU backend found\)|GPU \w+.*: VRAM [\d.]+ [KMGT]?B total, [\d.]+ [KMGT]?B free.*); RAM [\d.]+ [KMGT]?B total/);
    expect(run.stdout).toMatch(/ok +agent tiny: embedded model .*tiny\.gguf present, [\d.]+ KB/);
    expect(run.stdout).toMatch(/FAIL +agent absent: embedded model .*someone--tiny-GGUF--Q4_K_M\.gguf is missing; run `bead models pull hf:someone\/tiny-GGUF:Q4_K_M`/);
    expect(run.code).not.toBe(0);
  }, 60_000);
});
