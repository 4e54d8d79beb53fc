/**
 * An acting agent (tools:) on `provider: embedded`, through the built `bead up --once`: the worker
 * opens the bead's workspace, the tool loop runs on the tiny GGUF under the one-action grammar,
 * and the bead reaches a final state with no network connection. A random model's choices are
 * random: the test checks the path (calls made, bounded, recorded), never content.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { runBeadProcess } from "../helpers/cli.js";
import { writeTinyGguf } from "../helpers/tiny-gguf.js";
import { cleanupTempBoards, makeTempBoard, runGit } from "../helpers/temp-board.js";
import { testEnv } from "../agent/support.js";

const PRELOAD = fileURLToPath(new URL("../fixtures/no-network-preload.cjs", import.meta.url));
let scratch: string;

beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL("../../dist/bundle/bead.cjs", import.meta.url)))) throw new Error("dist/ is missing: run `npm run build` first");
  scratch = await mkdtemp(join(tmpdir(), "embedded-act-"));
});
afterAll(async () => {
  await cleanupTempBoards();
  await rm(scratch, { recursive: true, force: true });
});

const ACTING_AGENT = `---
name: tiny
provider: embedded
model: models/tiny.gguf
takes: { labels: [code] }
tools: [list_files, read_file, finish]
max_steps: 3
max_attempts: 1
# One token per byte in the tiny model: the worker's context and the tool list need room.
options: { num_ctx: 8192, num_predict: 96, temperature: 0 }
---
You are tiny.
`;

describe("bead up --once with an embedded acting agent", () => {
  it("works the bead through the tool loop to a final state, every step a tool call, with no network connection", async () => {
    const board = await makeTempBoard({ "agents/tiny.md": ACTING_AGENT, "beads/bb-1.md": beadText(["title: Look around", "labels: [code]"], "List the files.\n"), "README.md": "# project\n" });
    await mkdir(join(board.dir, "models"));
    await writeTinyGguf(join(board.dir, "models", "tiny.gguf"), { stop: "never", quoteBias: 8 });
    await writeFile(join(board.dir, ".gitignore"), "models/\n");
    const connections = join(scratch, "connections.txt");
    const env = testEnv({ NODE_OPTIONS: `--require ${PRELOAD}`, BEAD_TEST_CONNECTIONS_FILE: connections, HTTP_PROXY: "http://127.0.0.1:9", HTTPS_PROXY: "http://127.0.0.1:9", BEAD_MODELS_DIR: join(scratch, "models") });
    const run = await runBeadProcess(["up", "--once", "-C", board.dir], { cwd: board.dir, env, timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    const status = /^status: (\w+)$/m.exec(await runGit(board.dir, ["show", "HEAD:beads/bb-1.md"]))?.[1];
    expect(["done", "failed", "blocked"], run.stdout + run.stderr).toContain(status);
    expect(readFileSync(connections, "utf8")).toBe("");
    const metrics = readFileSync(join(board.dir, ".git", "beadboard", "metrics.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const calls = metrics.filter((m) => m.event === "model_call" && m.agent === "tiny");
    expect(calls.length, JSON.stringify(metrics)).toBeGreaterThanOrEqual(1);
    expect(calls.length).toBeLessThanOrEqual(3); // max_steps
    for (const call of calls) {
      expect(typeof call.load_ms).toBe("number");
      expect(call.tokens_per_s).toBeGreaterThan(0);
    }
    // The transcript shows every reply as exactly one call of an offered tool.
    const transcripts = join(board.dir, ".git", "beadboard", "transcripts");
    const files = readdirSync(transcripts, { recursive: true }).map(String).filter((f) => f.endsWith(".jsonl"));
    expect(files.length).toBeGreaterThanOrEqual(1);
    const entries = readFileSync(join(transcripts, files[0] ?? ""), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { kind: string; toolCalls?: { name: string }[] });
    const replies = entries.filter((e) => e.kind === "reply");
    expect(replies.length).toBe(calls.length);
    for (const reply of replies) expect(reply.toolCalls?.map((c) => ["list_files", "read_file", "finish"].includes(c.name))).toEqual([true]);
  }, 150_000);
});
