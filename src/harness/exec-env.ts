/**
 * The pure half of `provider: exec` (DESIGN §12): the argv an outside harness gets, and the
 * environment it runs in. No I/O here.
 */

export interface PromptPlaceholders {
  prompt: string;
  promptFile: string;
  workspace: string;
}

const PLACEHOLDER = /\{(prompt|prompt_file|workspace)\}/g;

/**
 * Each argument with `{prompt}`, `{prompt_file}` and `{workspace}` replaced, in one pass, so
 * that a prompt holding the text "{workspace}" stays as the person wrote it.
 */
export function expandArgv(command: readonly string[], values: PromptPlaceholders): string[] {
  const byName: Record<string, string> = { prompt: values.prompt, prompt_file: values.promptFile, workspace: values.workspace };
  return command.map((arg) => arg.replace(PLACEHOLDER, (_match, name: string) => byName[name] ?? ""));
}

/** The board's own secrets, always: git tokens, the webhook secret, and every model API key. */
const ALWAYS_SECRET = new Set(["BEAD_TOKEN", "BEAD_WEBHOOK_SECRET"]);
const SECRET_PATTERN = /_API_KEY$/i;

export interface ExecEnvOptions {
  /** The person's environment (HOME and PATH included). */
  env: NodeJS.ProcessEnv;
  /** More variables to withhold: the remote's `token_env`, other agents' `api_key_env`. */
  secretNames?: readonly string[];
  /** Variables passed even though they look secret: the exec agent's own `api_key_env`. */
  pass?: readonly string[];
  beadId: string;
  workspace: string;
  promptFile: string;
}

export function execEnv(options: ExecEnvOptions): Record<string, string> {
  const withheld = new Set([...ALWAYS_SECRET, ...(options.secretNames ?? [])]);
  const passed = new Set(options.pass ?? []);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env)) {
    if (value === undefined || ALWAYS_SECRET.has(name)) continue;
    if (!passed.has(name) && (withheld.has(name) || SECRET_PATTERN.test(name))) continue;
    out[name] = value;
  }
  out.BEAD_ID = options.beadId;
  out.BEAD_WORKSPACE = options.workspace;
  out.BEAD_PROMPT_FILE = options.promptFile;
  return out;
}
