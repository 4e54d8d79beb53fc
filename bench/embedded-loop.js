// Tool-loop steps on `provider: embedded`, with the kept context (the next call reuses the
// evaluated prefix) against a fresh context every call, same model, same run. After `npm run build`:
//   node bench/embedded-loop.js [model.gguf] [steps=6]
// Without a model path it writes the tests' tiny random-weight GGUF (one token per byte, so the
// harness's tool list alone is ~3,000 tokens of prompt): numbers on it show prefill saved, not a
// real model's speed.
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createEmbeddedProvider } from "../dist/model/embedded.js";
import { disposeIdleContexts } from "../dist/model/embedded-contexts.js";
import { definitionsOf } from "../dist/harness/calls.js";
import { HARNESS_TOOLS } from "../dist/harness/tools/index.js";

const steps = Number(process.argv[3] ?? 6);
const scratch = mkdtempSync(join(tmpdir(), "bench-embedded-loop-"));
let model = process.argv[2];
if (!model) {
  const helper = join(scratch, "tiny-gguf.mjs");
  await build({ entryPoints: [new URL("../test/helpers/tiny-gguf.ts", import.meta.url).pathname], outfile: helper, bundle: true, format: "esm", platform: "node", logLevel: "warning" });
  const { writeTinyGguf } = await import(pathToFileURL(helper).href);
  model = await writeTinyGguf(join(scratch, "tiny.gguf"), { stop: "never", quoteBias: 8 });
}
const provider = createEmbeddedProvider({ boardRoot: scratch, threads: 1 });
const tools = definitionsOf(Object.values(HARNESS_TOOLS));

async function loop(reuse) {
  const messages = [{ role: "system", content: "You are an agent working a bead." }, { role: "user", content: "List the files, then finish." }];
  const times = [];
  let tokensIn = 0;
  for (let step = 0; step < steps; step++) {
    if (!reuse) await disposeIdleContexts();
    const started = performance.now();
    const reply = await provider.chat({ model, messages, tools, options: { num_ctx: 16384, num_predict: 48 } });
    times.push(performance.now() - started);
    tokensIn += reply.tokensIn;
    messages.push({ role: "assistant", content: "", toolCalls: reply.toolCalls });
    messages.push({ role: "tool", content: `result of step ${step}`, toolCallId: reply.toolCalls[0].id, toolName: reply.toolCalls[0].name });
  }
  await disposeIdleContexts();
  return { totalMs: Math.round(times.reduce((a, b) => a + b, 0)), lastStepMs: Math.round(times.at(-1)), tokensIn };
}

await provider.chat({ model, messages: [{ role: "user", content: "warm up" }], options: { num_predict: 1 } });
const fresh = await loop(false);
const kept = await loop(true);
console.log(JSON.stringify({ model, steps, fresh, kept, speedup: Math.round((fresh.totalMs / kept.totalMs) * 100) / 100 }));
rmSync(scratch, { recursive: true, force: true });
