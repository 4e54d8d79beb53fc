/**
 * What an embedded agent's `model:` names, and where that file lives. Pure: no I/O.
 *  - a path, absolute or relative to the board root;
 *  - `hf:<user>/<repo>:<quant>` or `hf:<user>/<repo>/<file>.gguf`, a Hugging Face model, kept
 *    in the model cache under a name derived from the URI alone, so resolving never needs the network.
 */
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "../errors.js";

export interface HfRef {
  uri: string;
  user: string;
  repo: string;
  /** A quantization tag (Q4_K_M), resolved to a file by the hub's manifest, or undefined when `file` is named. */
  quant: string | undefined;
  file: string | undefined;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;
const FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,190}\.gguf$/;

export function isHfUri(model: string): boolean {
  return model.startsWith("hf:");
}

/** Parses `hf:<user>/<repo>:<quant>` or `hf:<user>/<repo>/<file>.gguf`; anything else is a ConfigError saying the forms. */
export function parseHfUri(uri: string): HfRef {
  const bad = () => new ConfigError(`model ${JSON.stringify(uri)}: expected hf:<user>/<repo>:<quant> (e.g. hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M) or hf:<user>/<repo>/<file>.gguf`);
  if (!isHfUri(uri)) throw bad();
  const rest = uri.slice(3);
  const colon = rest.indexOf(":");
  const path = colon < 0 ? rest : rest.slice(0, colon);
  const quant = colon < 0 ? undefined : rest.slice(colon + 1);
  const parts = path.split("/");
  if (quant !== undefined) {
    if (parts.length !== 2 || !parts.every((p) => NAME.test(p)) || !NAME.test(quant)) throw bad();
    return { uri, user: parts[0]!, repo: parts[1]!, quant, file: undefined };
  }
  if (parts.length !== 3 || !NAME.test(parts[0]!) || !NAME.test(parts[1]!) || !FILE.test(parts[2]!)) throw bad();
  return { uri, user: parts[0]!, repo: parts[1]!, quant: undefined, file: parts[2]! };
}

/** $BEAD_MODELS_DIR, else $XDG_CACHE_HOME/beadboard/models, else ~/.cache/beadboard/models. */
export function modelsDir(env: NodeJS.ProcessEnv): string {
  if (env.BEAD_MODELS_DIR) return resolve(env.BEAD_MODELS_DIR);
  if (env.XDG_CACHE_HOME) return join(resolve(env.XDG_CACHE_HOME), "beadboard", "models");
  return join(env.HOME ?? homedir(), ".cache", "beadboard", "models");
}

/** The cache file of an hf: model: one flat name per URI (`user--repo--quant.gguf`). */
export function cachedFileName(ref: HfRef): string {
  const tail = ref.quant ?? ref.file!.replace(/\.gguf$/, "");
  return `${ref.user}--${ref.repo}--${tail}.gguf`;
}

/** The file an embedded agent's `model:` names. */
export function resolveModelFile(model: string, boardRoot: string, env: NodeJS.ProcessEnv): string {
  if (isHfUri(model)) return join(modelsDir(env), cachedFileName(parseHfUri(model)));
  return isAbsolute(model) ? model : resolve(boardRoot, model);
}

/** The command that fetches a model, for error messages; undefined for plain files (nothing to fetch). */
export function pullCommandFor(model: string): string | undefined {
  return isHfUri(model) ? `bead models pull ${model}` : undefined;
}
