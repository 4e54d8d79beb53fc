/**
 * `bead init --embedded`: the agent file of an embedded agent, and what the person must do for it
 * to run. Offline by design: nothing is downloaded or loaded here, the note says which
 * `bead models pull` fetches the model, and whether this install has the engine at all.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { readBoardFileText } from "../../board/safe-read.js";
import { EMBEDDED_AGENT } from "../../board/templates.js";
import { DEFAULT_EMBEDDED_MODEL, DEFAULT_EMBEDDED_MODEL_SIZE } from "../../model/default-model.js";
import { pullCommandFor, resolveModelFile } from "../../model/model-ref.js";

export const EMBEDDED_AGENT_PATH = "agents/tiny.md";

export function embeddedAgentFile(): { path: string; content: string } {
  return { path: EMBEDDED_AGENT_PATH, content: EMBEDDED_AGENT(DEFAULT_EMBEDDED_MODEL, DEFAULT_EMBEDDED_MODEL_SIZE) };
}

/** Whether node-llama-cpp is installed (an optional dependency): resolved, never loaded. */
export function engineInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve("node-llama-cpp");
    return true;
  } catch {
    return false;
  }
}

const MODEL_LINE = /^model:[ \t]*(\S+)[ \t]*$/m;

/** The lines init prints about the embedded agent: where its model is, or the command that fetches it. */
export function embeddedAgentNote(root: string, env: NodeJS.ProcessEnv, engine: boolean): string[] {
  const full = join(root, EMBEDDED_AGENT_PATH);
  // The person may have pointed the agent at another model since: speak of the one the file names.
  const model = (existsSync(full) ? MODEL_LINE.exec(readBoardFileText(full, EMBEDDED_AGENT_PATH))?.[1] : undefined) ?? DEFAULT_EMBEDDED_MODEL;
  const lines = [`${EMBEDDED_AGENT_PATH}: the embedded agent "tiny" runs ${model} inside bead (no server); it takes beads labelled tiny.`];
  let file: string | undefined;
  try {
    file = resolveModelFile(model, root, env);
  } catch {
    lines.push(`  its model: line is not a file path or hf: URI; fix ${EMBEDDED_AGENT_PATH} (bead lint says how).`);
  }
  if (file !== undefined) {
    const pull = pullCommandFor(model);
    if (existsSync(file)) lines.push(`  Its model is here: ${file}.`);
    else if (pull) lines.push(`  Its model is not downloaded yet (${model === DEFAULT_EMBEDDED_MODEL ? DEFAULT_EMBEDDED_MODEL_SIZE : "size shown before it starts"}; needs the network once): run \`${pull}\`, then \`bead up\`.`);
    else lines.push(`  Its model file ${file} is missing: put the .gguf there.`);
  }
  if (!engine) lines.push("  This install has no embedded engine (a lean install): run `npm install node-llama-cpp@3.21.1` first.");
  return lines;
}
