/** `bead doctor`'s part for embedded agents: the engine, GPU/VRAM and RAM, each model file, and (with --load) whether it loads. */
import { freemem, totalmem } from "node:os";
import { stat } from "node:fs/promises";
import type { AgentDefinition } from "../../agent/schema.js";
import { importEngine } from "../../model/embedded.js";
import { formatBytes } from "../../model/download-progress.js";
import { pullCommandFor, resolveModelFile } from "../../model/model-ref.js";
import type { Check } from "../../agent/model-check.js";

type Llama = import("node-llama-cpp").Llama;

/** How long `doctor --load` waits for one model: a large model from a slow disk takes a while, a hung load must not hang doctor. */
export const DOCTOR_LOAD_TIMEOUT_MS = 120_000;

/** What the GPU side has to offer, or that there is none. */
async function gpuText(llama: Llama): Promise<string> {
  if (llama.gpu === false) return "CPU only (no GPU backend found)";
  const [names, vram] = await Promise.all([llama.getGpuDeviceNames().catch(() => [] as string[]), llama.getVramState().catch(() => undefined)]);
  const devices = names.length > 0 ? ` (${names.join(", ")})` : "";
  const memory = vram ? `VRAM ${formatBytes(vram.total)} total, ${formatBytes(vram.free)} free${vram.unifiedSize > 0 ? ", unified with RAM" : ""}` : "VRAM unknown";
  return `GPU ${llama.gpu}${devices}: ${memory}`;
}

/**
 * Installed or not, its backend, the GPU's VRAM or "CPU only", and RAM. No model is loaded here
 * (that is `--load`); the engine it found is handed back so loads use this one binding, not a second.
 */
export async function engineCheck(): Promise<{ check: Check; llama?: Llama }> {
  const ram = `RAM ${formatBytes(totalmem())} total, ${formatBytes(freemem())} free`;
  let engine;
  try {
    engine = await importEngine();
  } catch {
    return { check: { name: "embedded engine", ok: false, detail: `node-llama-cpp is not installed (a lean install, npm ci --omit=optional, skips it); install it with: npm install node-llama-cpp@3.21.1; ${ram}` } };
  }
  try {
    const llama = await engine.getLlama({ build: "never" });
    const backend = llama.gpu === false ? "cpu" : llama.gpu;
    return { check: { name: "embedded engine", ok: true, detail: `node-llama-cpp installed, backend ${backend}; ${await gpuText(llama)}; ${ram}` }, llama };
  } catch (error) {
    return { check: { name: "embedded engine", ok: false, detail: `node-llama-cpp is installed but found no usable prebuilt binary (${(error as Error).message.split("\n")[0]}); ${ram}` } };
  }
}

/** The agent's model file, or a failed check saying why there is none. */
async function modelFile(agent: AgentDefinition, boardRoot: string, env: NodeJS.ProcessEnv): Promise<{ file: string; bytes: number } | Check> {
  const name = `agent ${agent.name}`;
  const model = agent.fields.model;
  if (!model) return { name, ok: false, detail: `${agent.path}: provider embedded needs model:` };
  let file: string;
  try {
    file = resolveModelFile(model, boardRoot, env);
  } catch (error) {
    return { name, ok: false, detail: `${agent.path}: ${(error as Error).message}` };
  }
  const info = await stat(file).catch(() => undefined);
  if (info?.isFile()) return { file, bytes: info.size };
  const pull = pullCommandFor(model);
  return { name, ok: false, detail: `embedded model ${file} is missing; ${pull ? `run \`${pull}\`` : "put the .gguf file there"}` };
}

/**
 * What the model and its context will take, from the GGUF header alone (node-llama-cpp's
 * estimate; no load). Fails only when it exceeds all of this machine's RAM: free memory moves.
 */
async function memoryNeed(file: string, agent: AgentDefinition, llama: Llama | undefined, ramBytes: number): Promise<{ ok: boolean; text: string }> {
  if (!llama) return { ok: true, text: "" };
  try {
    const engine = await importEngine();
    const info = await engine.readGgufFileInfo(file, { sourceType: "filesystem", readTensorInfo: true, logWarnings: false });
    const insights = await engine.GgufInsights.from(info, llama);
    const gpuLayers = gpuLayersOf(agent);
    const contextSize = typeof agent.fields.options.num_ctx === "number" ? agent.fields.options.num_ctx : 2048;
    const model = await insights.estimateModelResourceRequirementsV2({ gpuLayers });
    const context = await insights.estimateContextResourceRequirementsV2({ contextSize, modelGpuLayers: gpuLayers });
    const ram = model.cpuRam + context.cpuRam;
    const vram = model.gpuVram + context.gpuVram;
    const text = `; needs about ${formatBytes(ram)} of RAM${vram > 0 ? ` and ${formatBytes(vram)} of VRAM` : ""} at num_ctx ${contextSize}`;
    if (ram > ramBytes) return { ok: false, text: `${text}, more than this machine's ${formatBytes(ramBytes)}: pick a smaller model or quantization, or lower num_ctx` };
    return { ok: true, text };
  } catch (error) {
    return { ok: false, text: `; its header does not read as a GGUF model (${(error as Error).message.split("\n")[0]}): fetch it again or check the file` };
  }
}

/** Whether the agent's model file is there (its size and what it needs), or the command that fetches it. */
export async function embeddedModelCheck(agent: AgentDefinition, boardRoot: string, env: NodeJS.ProcessEnv, llama?: Llama, ramBytes = totalmem()): Promise<Check> {
  const found = await modelFile(agent, boardRoot, env);
  if ("name" in found) return found;
  const need = await memoryNeed(found.file, agent, llama, ramBytes);
  return { name: `agent ${agent.name}`, ok: need.ok, detail: `embedded model ${found.file} present, ${formatBytes(found.bytes)}${need.text}` };
}

function gpuLayersOf(agent: AgentDefinition): number {
  const value = agent.fields.options.num_gpu;
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : 0;
}

/**
 * `doctor --load`: the model file is there and the engine loads it (then lets it go), within
 * `timeoutMs`. GPU layers as the agent's `options.num_gpu` asks (default none, as the provider).
 */
export async function embeddedLoadCheck(agent: AgentDefinition, boardRoot: string, env: NodeJS.ProcessEnv, llama: Llama | undefined, timeoutMs = DOCTOR_LOAD_TIMEOUT_MS): Promise<Check> {
  const name = `agent ${agent.name}`;
  const found = await modelFile(agent, boardRoot, env);
  if ("name" in found) return found;
  if (!llama) return { name, ok: false, detail: `embedded model ${found.file} present, ${formatBytes(found.bytes)}; not loaded: the engine is not usable (see "embedded engine")` };
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const model = await llama.loadModel({ modelPath: found.file, gpuLayers: gpuLayersOf(agent), loadSignal: signal });
    const loadMs = Math.round(performance.now() - started);
    const detail = `embedded model ${found.file} (${formatBytes(found.bytes)}) loads in ${loadMs} ms; context ${model.trainContextSize}, ${model.gpuLayers} layer(s) on the GPU`;
    await model.dispose();
    return { name, ok: true, detail };
  } catch (error) {
    if (signal.aborted) return { name, ok: false, detail: `embedded model ${found.file} did not load within ${Math.round(timeoutMs / 1000)} s` };
    return { name, ok: false, detail: `embedded model ${found.file} does not load: ${(error as Error).message.split("\n")[0]}; fetch it again (bead models rm, then bead models pull) or check it is a GGUF model` };
  }
}
