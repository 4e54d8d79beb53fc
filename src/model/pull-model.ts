import { stat } from "node:fs/promises";
import { join } from "node:path";
import { formatBytes, progressReporter } from "./download-progress.js";
import { downloadModel, hfBaseUrl, locateHfModel } from "./model-cache.js";
import { cachedFileName, modelsDir, parseHfUri } from "./model-ref.js";

export interface PulledModel {
  file: string;
  bytes: number;
  /** It was in the cache already: nothing was fetched. */
  already: boolean;
}

/**
 * Fetches an hf: model into the cache (size said first, progress, resumable, size checked), or
 * finds it there. `write` gets the progress text: a redrawn line on a terminal, else a line per
 * tenth. Shared by `bead models pull` and an agent's `pull: auto`.
 */
export async function pullModel(uri: string, env: NodeJS.ProcessEnv, write: (text: string) => void, options: { tty?: boolean; signal?: AbortSignal } = {}): Promise<PulledModel> {
  const ref = parseHfUri(uri);
  const dest = join(modelsDir(env), cachedFileName(ref));
  const existing = await stat(dest).catch(() => undefined);
  if (existing?.isFile()) return { file: dest, bytes: existing.size, already: true };
  const remote = await locateHfModel(ref, hfBaseUrl(env), options.signal);
  const reporter = progressReporter(options.tty === true, () => performance.now(), write);
  const bytes = await downloadModel(
    uri,
    remote,
    dest,
    {
      start: (total, from) => {
        write(`${uri}: ${formatBytes(total)} (${total} bytes) from ${remote.url}${from > 0 ? `, resuming at ${formatBytes(from)}` : ""}\n`);
        reporter.begin(from);
      },
      progress: (done, total) => reporter.update(done, total),
      resume: (from, reason) => {
        write(`${options.tty ? "\n" : ""}connection dropped (${reason}); resuming at ${from} bytes\n`);
        reporter.begin(from);
      },
    },
    options.signal,
  );
  return { file: dest, bytes, already: false };
}

/**
 * `pull: auto` in an agent file: the first call that needs a missing hf: model fetches it; calls
 * meanwhile (other beads, other agents on the model) wait for that one download. A failed or
 * stopped download is forgotten, so the next bead tries again.
 */
export function autoPuller(env: NodeJS.ProcessEnv, log: (line: string) => void): (uri: string, signal?: AbortSignal) => Promise<void> {
  const pending = new Map<string, Promise<void>>();
  return (uri, signal) => {
    let pull = pending.get(uri);
    if (!pull) {
      pull = pullModel(uri, env, (text) => log(text.replace(/\n$/, "")), signal ? { signal } : {}).then((pulled) => {
        if (!pulled.already) log(`${uri}: saved ${pulled.file} (${formatBytes(pulled.bytes)})`);
      });
      pending.set(uri, pull);
      pull.catch(() => pending.delete(uri));
    }
    return pull;
  };
}
