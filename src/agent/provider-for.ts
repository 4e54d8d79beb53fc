import type { AgentDefinition } from "./schema.js";
import { createOllamaProvider } from "../model/ollama.js";
import { createOpenAIProvider } from "../model/openai.js";
import type { Provider } from "../model/provider.js";
import { createEmbeddedProvider } from "../model/embedded.js";
import { pullCommandFor, resolveModelFile } from "../model/model-ref.js";
import { ConfigError } from "../errors.js";

/** The provider an agent file asks for. Builtin agents have none: they do their work without a model. */
export function providerFor(agent: AgentDefinition, env: NodeJS.ProcessEnv): Provider | undefined {
  const fields = agent.fields;
  const keyEnv = fields.api_key_env === undefined ? {} : { apiKeyEnv: fields.api_key_env };
  switch (fields.provider) {
    case "builtin":
      return undefined;
    case "ollama":
      return createOllamaProvider({ ...(fields.host === undefined ? {} : { host: fields.host }), ...keyEnv, env });
    case "openai":
      if (!fields.host) throw new ConfigError(`${agent.path}: provider openai needs host: (the server's base URL, e.g. http://127.0.0.1:8080/v1)`);
      return createOpenAIProvider({ baseURL: fields.host, ...keyEnv, env });
    case "embedded": {
      const boardRoot = agent.boardRoot;
      if (!boardRoot) throw new ConfigError(`${agent.path}: provider embedded needs the board the agent was loaded from`);
      if (!fields.model) throw new ConfigError(`${agent.path}: provider embedded needs model: (a .gguf path relative to the board, or hf:<user>/<repo>:<quant>)`);
      try {
        resolveModelFile(fields.model, boardRoot, env);
      } catch (error) {
        throw new ConfigError(`${agent.path}: ${(error as Error).message}`, { file: agent.path, key: "model" });
      }
      // Ollama's option names, so one agent file reads the same on either: num_gpu layers on the GPU, num_thread threads.
      const gpuLayers = wholeNumber(fields.options.num_gpu);
      const threads = wholeNumber(fields.options.num_thread);
      return createEmbeddedProvider({ boardRoot, resolveModel: (model) => resolveModelFile(model, boardRoot, env), ...(gpuLayers === undefined ? {} : { gpuLayers }), ...(threads === undefined ? {} : { threads }) }, pullCommandFor);
    }
  }
}

function wholeNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}
