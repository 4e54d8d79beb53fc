import type { AgentDefinition } from "../agent/schema.js";
import { createOllamaProvider } from "./ollama.js";
import { createOpenAIProvider } from "./openai.js";
import type { Provider } from "./provider.js";
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
  }
}
