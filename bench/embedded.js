// Tokens/s of `provider: embedded` against node-llama-cpp called directly, same model, same run
// (issue 12: at least 0.9×), with load time and first-token latency. After `npm run build`:
//   node bench/embedded.js [model.gguf] [runs=5] [tokens=128]
// Without a model path it writes the tests' tiny random-weight GGUF (test/helpers/tiny-gguf.ts,
// "never stops", so every run generates exactly `tokens` tokens); numbers on it measure the
// provider's overhead, not a real model's speed.
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { getLlama, LlamaChatSession } from "node-llama-cpp";
import { createEmbeddedProvider } from "../dist/model/embedded.js";
import { disposeIdleContexts } from "../dist/model/embedded-contexts.js";

const runs = Number(process.argv[3] ?? 5);
const tokens = Number(process.argv[4] ?? 128);
const scratch = mkdtempSync(join(tmpdir(), "bench-embedded-"));
let model = process.argv[2];
if (!model) {
  const helper = join(scratch, "tiny-gguf.mjs");
  await build({ entryPoints: [new URL("../test/helpers/tiny-gguf.ts", import.meta.url).pathname], outfile: helper, bundle: true, format: "esm", platform: "node", logLevel: "warning" });
  const { writeTinyGguf } = await import(pathToFileURL(helper).href);
  model = await writeTinyGguf(join(scratch, "tiny.gguf"), { stop: "never" });
}
const prompt = "Write about the sea.";
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const llama = await getLlama({ gpu: false, build: "never" });
let started = performance.now();
const direct = await llama.loadModel({ modelPath: model });
const directLoadMs = performance.now() - started;
const directRates = [];
const firstTokenMs = [];
const providerRates = [];
const provider = createEmbeddedProvider({ boardRoot: scratch, threads: 1 });
let providerLoadMs;
for (let run = 0; run < runs; run++) {
  // Alternated, so drift on a busy machine hits both sides alike.
  const context = await direct.createContext({ contextSize: 2048, threads: 1 });
  const sequence = context.getSequence();
  const session = new LlamaChatSession({ contextSequence: sequence });
  let first;
  started = performance.now();
  await session.promptWithMeta(prompt, { maxTokens: tokens, onTextChunk: () => (first ??= performance.now() - started) });
  const ms = performance.now() - started;
  directRates.push(sequence.tokenMeter.usedOutputTokens / (ms / 1000));
  firstTokenMs.push(first ?? ms);
  await context.dispose();
  // The provider keeps its context, and this prompt repeats: start it fresh too, as the direct side is.
  await disposeIdleContexts();
  const reply = await provider.chat({ model, messages: [{ role: "user", content: prompt }], options: { num_predict: tokens } });
  providerRates.push(reply.tokensPerSecond);
  providerLoadMs = reply.loadMs;
}
await disposeIdleContexts();
const ratio = median(providerRates) / median(directRates);
console.log(`model ${model}${process.argv[2] ? "" : " (tiny random-weight test model)"}; ${runs} runs of ${tokens} tokens, CPU, 1 thread`);
console.log(`direct node-llama-cpp: ${median(directRates).toFixed(1)} tokens/s median, load ${directLoadMs.toFixed(0)} ms, first token ${median(firstTokenMs).toFixed(1)} ms median`);
console.log(`provider: embedded:    ${median(providerRates).toFixed(1)} tokens/s median, load ${providerLoadMs.toFixed(0)} ms`);
console.log(`ratio ${ratio.toFixed(2)}x (target >= 0.9x)`);
rmSync(scratch, { recursive: true, force: true });
process.exitCode = ratio >= 0.9 ? 0 : 1;
