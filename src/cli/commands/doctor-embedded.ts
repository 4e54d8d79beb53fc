/** `bead doctor`'s part for embedded agents: the engine, the machine's memory, each model file. */
import { freemem, totalmem } from "node:os";
import { stat } from "node:fs/promises";
import type { AgentDefinition } from "../../agent/schema.js";
import { importEngine } from "../../model/embedded.js";
import { formatBytes } from "../../model/download-progress.js";
import { pullCommandFor, resolveModelFile } from "../../model/model-ref.js";
import type { Check } from "../../agent/model-check.js";

/** Installed or not, and which backend it would use (no model is loaded: that can take minutes). */
export async function engineCheck(): Promise<Check> {
  const ram = `RAM ${formatBytes(totalmem())} total, ${formatBytes(freemem())} free`;
  let engine;
  try {
    engine = await importEngine();
  } catch {
    return { name: "embedded engine", ok: false, detail: `node-llama-cpp is not installed (a lean install, npm ci --omit=optional, skips it); install it with: npm install node-llama-cpp@3.21.1; ${ram}` };
  }
  try {
    const llama = await engine.getLlama({ build: "never" });
    const backend = llama.gpu === false ? "cpu" : llama.gpu;
    return { name: "embedded engine", ok: true, detail: `node-llama-cpp installed, backend ${backend}; ${ram}` };
  } catch (error) {
    return { name: "embedded engine", ok: false, detail: `node-llama-cpp is installed but found no usable prebuilt binary (${(error as Error).message.split("\n")[0]}); ${ram}` };
  }
}

/** Whether the agent's model file is there (its size), or the command that fetches it. */
export async function embeddedModelCheck(agent: AgentDefinition, boardRoot: string, env: NodeJS.ProcessEnv): Promise<Check> {
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
  if (info?.isFile()) return { name, ok: true, detail: `embedded model ${file} present, ${formatBytes(info.size)}` };
  const pull = pullCommandFor(model);
  return { name, ok: false, detail: `embedded model ${file} is missing; ${pull ? `run \`${pull}\`` : "put the .gguf file there"}` };
}
