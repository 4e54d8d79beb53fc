/**
 * `bead doctor --load`: each embedded agent's model is loaded for real (a tiny GGUF the test
 * writes), a corrupt one fails naming its path, a missing one is not loaded at all, a load past
 * the time bound is reported as such, and the engine line says GPU with VRAM, or CPU only.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAgents } from "../../src/agent/load.js";
import { boardPaths } from "../../src/board/paths.js";
import { embeddedLoadCheck, embeddedModelCheck, engineCheck } from "../../src/cli/commands/doctor-embedded.js";
import { runCli } from "../helpers/cli.js";
import { writeTinyGguf } from "../helpers/tiny-gguf.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "doctor-load-"));
});
afterAll(async () => {
  await cleanupTempBoards();
  await rm(scratch, { recursive: true, force: true });
});

const agent = (name: string, model: string) => `---\nname: ${name}\nprovider: embedded\nmodel: ${model}\ntakes: { labels: [${name}] }\n---\nYou are ${name}.\n`;

async function board() {
  const made = await makeTempBoard({
    "agents/tiny.md": agent("tiny", "models/tiny.gguf"),
    "agents/broken.md": agent("broken", "models/broken.gguf"),
    "agents/absent.md": agent("absent", "hf:someone/tiny-GGUF:Q4_K_M"),
  });
  await mkdir(join(made.dir, "models"));
  await writeTinyGguf(join(made.dir, "models", "tiny.gguf"), { stop: "at-once" });
  // Starts like a GGUF, so only a real load can tell it is not one.
  await writeFile(join(made.dir, "models", "broken.gguf"), Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(64, 7)]));
  return made;
}

describe("bead doctor --load", () => {
  it("loads each present model, names the path of one that does not load, leaves a missing one to the pull command", async () => {
    const made = await board();
    const run = await runCli(["doctor", "--load", "-C", made.dir], { cwd: made.dir, env: { BEAD_MODELS_DIR: join(scratch, "models") } });
    expect(run.stdout).toMatch(/ok +embedded engine: node-llama-cpp installed, backend \w+; (?:CPU only \(no GPU backend found\)|GPU \w+.*: VRAM [\d.]+ [KMGT]?B total, [\d.]+ [KMGT]?B free.*); RAM/);
    expect(run.stdout).toMatch(/ok +agent tiny: embedded model .*tiny\.gguf \([\d.]+ KB\) loads in \d+ ms; context 2048, 0 layer\(s\) on the GPU/);
    expect(run.stdout).toMatch(/FAIL +agent broken: embedded model .*models\/broken\.gguf does not load: .+; fetch it again/);
    expect(run.stdout).toMatch(/FAIL +agent absent: embedded model .*someone--tiny-GGUF--Q4_K_M\.gguf is missing; run `bead models pull hf:someone\/tiny-GGUF:Q4_K_M`/);
    expect(run.code).not.toBe(0);
    // Without --load, nothing is loaded: the header alone gives the memory a model needs, and gives a broken file away.
    const plain = await runCli(["doctor", "-C", made.dir], { cwd: made.dir, env: { BEAD_MODELS_DIR: join(scratch, "models") } });
    expect(plain.stdout).toMatch(/ok +agent tiny: embedded model .*tiny\.gguf present, [\d.]+ KB; needs about [\d.]+ [KMG]?B of RAM at num_ctx 2048/);
    expect(plain.stdout).toMatch(/FAIL +agent broken: embedded model .*broken\.gguf present, 68 B; its header does not read as a GGUF model \(.+\): fetch it again/);
  }, 60_000);

  it("a model that would need more than all of the machine's RAM fails, with the fix", async () => {
    const made = await board();
    const tiny = loadAgents(boardPaths(made.dir)).agents.find((a) => a.name === "tiny");
    if (!tiny) throw new Error("agents/tiny.md did not load");
    const { llama } = await engineCheck();
    const check = await embeddedModelCheck(tiny, made.dir, {}, llama, 1024);
    expect(check).toMatchObject({ ok: false, detail: expect.stringMatching(/tiny\.gguf present, .*at num_ctx 2048, more than this machine's 1.0 KB: pick a smaller model or quantization, or lower num_ctx/) });
  }, 60_000);

  it("a load that passes the time bound is reported as such, not waited for", async () => {
    const made = await board();
    const tiny = loadAgents(boardPaths(made.dir)).agents.find((a) => a.name === "tiny");
    if (!tiny) throw new Error("agents/tiny.md did not load");
    const { llama } = await engineCheck();
    const check = await embeddedLoadCheck(tiny, made.dir, {}, llama, 0);
    expect(check).toMatchObject({ ok: false, detail: expect.stringMatching(/tiny\.gguf did not load within 0 s/) });
    const without = await embeddedLoadCheck(tiny, made.dir, {}, undefined);
    expect(without).toMatchObject({ ok: false, detail: expect.stringMatching(/not loaded: the engine is not usable/) });
  }, 60_000);
});
