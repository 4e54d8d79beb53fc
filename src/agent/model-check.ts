import { isBeadboardError } from "../errors.js";
import { providerFor } from "./provider-for.js";
import type { AgentDefinition } from "./schema.js";

/** One line of `bead doctor` (and of the web board's Models view). */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Does the agent's model server answer, does it have the model, does num_ctx fit its context? */
export async function agentChecks(agent: AgentDefinition, env: NodeJS.ProcessEnv): Promise<Check[]> {
  const name = `agent ${agent.name}`;
  let provider;
  try {
    provider = providerFor(agent, env);
  } catch (error) {
    return [{ name, ok: false, detail: isBeadboardError(error) ? error.message : String(error) }];
  }
  if (!provider) return [{ name, ok: true, detail: `builtin ${agent.fields.action ?? ""} (no model needed)` }];
  const model = agent.fields.model ?? "";
  let models;
  try {
    models = await provider.listModels(AbortSignal.timeout(10_000));
  } catch (error) {
    const hint = agent.fields.provider === "ollama" ? `; start it with \`ollama serve\` and \`ollama pull ${model}\`` : "";
    return [{ name, ok: false, detail: `${provider.host} does not answer (${isBeadboardError(error) ? error.message : String(error)})${hint}` }];
  }
  const found = models.find((info) => info.name === model || info.name === `${model}:latest`);
  if (!found) {
    const hint = agent.fields.provider === "ollama" ? `run \`ollama pull ${model}\`` : "load it on the server";
    return [{ name, ok: false, detail: `${provider.host} answers but has no model ${model}; ${hint}` }];
  }
  const numCtx = typeof agent.fields.options.num_ctx === "number" ? agent.fields.options.num_ctx : undefined;
  if (numCtx !== undefined && found.contextLength !== undefined && numCtx > found.contextLength) {
    return [{ name, ok: false, detail: `num_ctx ${numCtx} exceeds ${model}'s context length ${found.contextLength}; lower it in ${agent.path}` }];
  }
  return [{ name, ok: true, detail: `${provider.host} has ${model}${found.contextLength ? ` (context ${found.contextLength})` : ""}` }];
}
