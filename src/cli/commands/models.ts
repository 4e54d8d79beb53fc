import { readdir, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { loadAgents } from "../../agent/load.js";
import { ConfigError, NotFoundError } from "../../errors.js";
import { formatBytes } from "../../model/download-progress.js";
import { pullModel } from "../../model/pull-model.js";
import { cachedFileName, isHfUri, modelsDir, parseHfUri, resolveModelFile } from "../../model/model-ref.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";

/** `bead models pull <hf:uri>`: fetch a model into the cache (size first, progress, resumable). */
export async function modelsPull(io: CliIo, uri: string, options: GlobalOptions): Promise<void> {
  const pulled = await pullModel(uri, io.env, (text) => io.err(text), { tty: io.isTTY });
  if (options.json) io.out(json({ uri, ...pulled }));
  else io.out(pulled.already ? `${uri} is already in the cache: ${pulled.file} (${formatBytes(pulled.bytes)})\n` : `${uri}: saved ${pulled.file} (${formatBytes(pulled.bytes)})\n`);
}

interface CachedModel {
  file: string;
  bytes: number;
  partial: boolean;
  usedBy: string[];
}

/** `bead models ls`: the cache's models, their sizes, and which of this board's agents use them. */
export async function modelsLs(io: CliIo, options: GlobalOptions): Promise<void> {
  const dir = modelsDir(io.env);
  const usedBy = new Map<string, string[]>();
  const agentModels: Array<{ agent: string; model: string; file: string; present: boolean }> = [];
  let paths;
  try {
    paths = boardFor(io, options);
  } catch {
    paths = undefined; // outside a board: the cache alone
  }
  if (paths) {
    for (const agent of loadAgents(paths).agents) {
      if (agent.fields.provider !== "embedded" || !agent.fields.model) continue;
      let file: string;
      try {
        file = resolveModelFile(agent.fields.model, paths.root, io.env);
      } catch {
        continue;
      }
      usedBy.set(file, [...(usedBy.get(file) ?? []), agent.name]);
      const present = (await stat(file).catch(() => undefined))?.isFile() === true;
      agentModels.push({ agent: agent.name, model: agent.fields.model, file, present });
    }
  }
  const names = await readdir(dir).catch(() => [] as string[]);
  const models: CachedModel[] = [];
  for (const name of names.filter((n) => n.endsWith(".gguf") || n.endsWith(".gguf.part")).sort()) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (!info?.isFile()) continue;
    const file = join(dir, name);
    models.push({ file, bytes: info.size, partial: name.endsWith(".part"), usedBy: usedBy.get(file) ?? [] });
  }
  if (options.json) {
    io.out(json({ dir, models, agents: agentModels }));
    return;
  }
  io.out(`models in ${dir}:\n`);
  if (models.length === 0) io.out("  (none)\n");
  for (const model of models) {
    io.out(`  ${basename(model.file)}  ${formatBytes(model.bytes)}${model.partial ? "  (partial download: `bead models pull` resumes it)" : ""}  ${model.usedBy.length > 0 ? `used by ${model.usedBy.join(", ")}` : "unused by this board"}\n`);
  }
  for (const entry of agentModels.filter((e) => !e.present)) {
    io.out(`agent ${entry.agent}: model ${entry.model} is missing (${entry.file})${isHfUri(entry.model) ? `; run \`bead models pull ${entry.model}\`` : ""}\n`);
  }
}

/** `bead models rm <hf:uri|file>`: remove a cached model (and any partial download of it). */
export async function modelsRm(io: CliIo, target: string, options: GlobalOptions): Promise<void> {
  const dir = modelsDir(io.env);
  let name: string;
  if (isHfUri(target)) name = cachedFileName(parseHfUri(target));
  else if (basename(target) === target && target.endsWith(".gguf") && !target.startsWith(".")) name = target;
  else throw new ConfigError(`${target}: name an hf: URI or a file name listed by \`bead models ls\` (only files in ${dir} are removed)`);
  const file = join(dir, name);
  const found = [file, `${file}.part`];
  const present = [];
  for (const candidate of found) if ((await stat(candidate).catch(() => undefined))?.isFile()) present.push(candidate);
  if (present.length === 0) throw new NotFoundError("model", target, `no ${name} in ${dir}`);
  for (const candidate of present) await rm(candidate, { force: true });
  io.out(options.json ? json({ removed: present }) : present.map((p) => `removed ${p}\n`).join(""));
}
