/**
 * The model cache behind `bead models`: finds an hf: model's file on the hub, downloads it to
 * `<file>.part` (resuming with HTTP Range after a dropped connection), checks its size against
 * what the server (and the hub's manifest) said, and renames it only when complete, so a
 * half-written file is never taken for a model. The base URL is BEAD_MODELS_BASE_URL in tests.
 */
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { ModelDownloadError } from "../errors.js";
import type { HfRef } from "./model-ref.js";

export const DEFAULT_HF_BASE_URL = "https://huggingface.co";
const MANIFEST_MAX_BYTES = 1 << 20;
/** Dropped connections resumed before giving up (each one logged). */
export const MAX_RESUMES = 5;
const REMOTE_FILE = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._/-]{0,250}\.gguf$/;

export interface RemoteModel {
  url: string;
  /** The size the hub's manifest gives, when it gives one. */
  expectedBytes: number | undefined;
}

export function hfBaseUrl(env: NodeJS.ProcessEnv): string {
  return (env.BEAD_MODELS_BASE_URL ?? DEFAULT_HF_BASE_URL).replace(/\/+$/, "");
}

/** Where an hf: model's file is: named directly, or found through the hub's manifest for a quant tag. */
export async function locateHfModel(ref: HfRef, base: string, signal?: AbortSignal): Promise<RemoteModel> {
  const repoUrl = `${base}/${ref.user}/${ref.repo}`;
  if (ref.file) return { url: `${repoUrl}/resolve/main/${ref.file}`, expectedBytes: undefined };
  const manifestUrl = `${base}/v2/${ref.user}/${ref.repo}/manifests/${ref.quant}`;
  const response = await fetch(manifestUrl, { headers: { accept: "application/json", "user-agent": "llama-cpp" }, ...(signal ? { signal } : {}) }).catch((error: unknown) => {
    throw new ModelDownloadError(ref.uri, `${manifestUrl} did not answer (${(error as Error).message})`, { cause: error });
  });
  const text = await response.text();
  if (!response.ok) throw new ModelDownloadError(ref.uri, `${manifestUrl} answered ${response.status}: no quant ${ref.quant} in ${ref.user}/${ref.repo}?`);
  if (text.length > MANIFEST_MAX_BYTES) throw new ModelDownloadError(ref.uri, `${manifestUrl}: manifest over ${MANIFEST_MAX_BYTES} bytes`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new ModelDownloadError(ref.uri, `${manifestUrl}: not JSON`, { cause: error });
  }
  const gguf = (manifest as { ggufFile?: { rfilename?: unknown; size?: unknown } } | null)?.ggufFile;
  const file = gguf?.rfilename;
  if (typeof file !== "string" || !REMOTE_FILE.test(file)) throw new ModelDownloadError(ref.uri, `${manifestUrl}: no usable ggufFile.rfilename in the manifest`);
  const size = gguf?.size;
  return { url: `${repoUrl}/resolve/main/${file}`, expectedBytes: typeof size === "number" && Number.isSafeInteger(size) && size > 0 ? size : undefined };
}

export interface DownloadEvents {
  /** Called once the total size is known, before any byte is written. */
  start(totalBytes: number, resumedFrom: number): void;
  progress(doneBytes: number, totalBytes: number): void;
  /** A dropped connection, about to be resumed. */
  resume(fromBytes: number, reason: string): void;
}

/** The total size a response states: Content-Range's total for 206, Content-Length for 200. */
export function statedTotal(status: number, headers: Headers, resumeFrom: number): { start: number; total: number } | { problem: string } {
  if (status === 206) {
    const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(headers.get("content-range") ?? "");
    if (!match) return { problem: `206 without a usable Content-Range (${headers.get("content-range") ?? "none"})` };
    const start = Number(match[1]);
    if (start !== resumeFrom) return { problem: `asked for bytes from ${resumeFrom}, got from ${start}` };
    return { start, total: Number(match[3]) };
  }
  const length = headers.get("content-length");
  if (length === null || !/^\d+$/.test(length)) return { problem: "the server did not say the file's size (no Content-Length)" };
  return { start: 0, total: Number(length) };
}

async function partSize(part: string): Promise<number> {
  return stat(part).then((info) => info.size).catch(() => 0);
}

/**
 * Downloads `remote` to `dest` through `dest.part`. Returns the size. A size that disagrees with
 * the manifest, or changes between resumes, or a file that ends up longer than stated, is refused
 * and the .part removed; a dropped connection is resumed up to MAX_RESUMES times.
 */
export async function downloadModel(uri: string, remote: RemoteModel, dest: string, events: DownloadEvents, signal?: AbortSignal): Promise<number> {
  const part = `${dest}.part`;
  await mkdir(dirname(dest), { recursive: true });
  let knownTotal = remote.expectedBytes;
  let started = false;
  for (let resumes = 0; ; resumes++) {
    const from = await partSize(part);
    const refuse = async (reason: string): Promise<never> => {
      await rm(part, { force: true });
      throw new ModelDownloadError(uri, `${reason}; nothing kept`);
    };
    let response: Response;
    try {
      response = await fetch(remote.url, { headers: { "user-agent": "beadboard", ...(from > 0 ? { range: `bytes=${from}-` } : {}) }, redirect: "follow", ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted || resumes >= MAX_RESUMES) throw new ModelDownloadError(uri, `${remote.url} did not answer (${(error as Error).message}); the partial file ${part} is kept for the next pull`, { cause: error });
      events.resume(from, (error as Error).message);
      continue;
    }
    if (response.status !== 200 && response.status !== 206) {
      void response.body?.cancel().catch(() => undefined);
      throw new ModelDownloadError(uri, `${remote.url} answered ${response.status}`);
    }
    const stated = statedTotal(response.status, response.headers, from);
    if ("problem" in stated) {
      void response.body?.cancel().catch(() => undefined);
      return refuse(stated.problem);
    }
    if (knownTotal !== undefined && stated.total !== knownTotal) {
      void response.body?.cancel().catch(() => undefined);
      return refuse(`size mismatch: expected ${knownTotal} bytes, the server says ${stated.total}`);
    }
    knownTotal = stated.total;
    if (!started) {
      events.start(stated.total, stated.start);
      started = true;
    }
    let written = stated.start;
    // Written chunk by chunk, awaited: whatever arrived before a drop is on disk to resume from.
    // 200 after a Range request means the server ignored it, so the file starts over ("w").
    const handle = await open(part, stated.start > 0 ? "a" : "w");
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        written += chunk.length;
        if (written > stated.total) return await refuse(`size mismatch: more than the stated ${stated.total} bytes`);
        await handle.write(chunk);
        events.progress(written, stated.total);
      }
    } catch (error) {
      if (error instanceof ModelDownloadError) throw error;
      if (signal?.aborted || resumes >= MAX_RESUMES) throw new ModelDownloadError(uri, `download stopped at ${written} of ${stated.total} bytes (${(error as Error).message}); the partial file ${part} is kept for the next pull`, { cause: error });
      events.resume(await partSize(part), (error as Error).message);
      continue;
    } finally {
      await handle.close();
    }
    const size = await partSize(part);
    if (size < stated.total) {
      if (resumes >= MAX_RESUMES) throw new ModelDownloadError(uri, `the connection kept dropping (${size} of ${stated.total} bytes); the partial file ${part} is kept for the next pull`);
      events.resume(size, "connection closed early");
      continue;
    }
    if (size !== stated.total) return refuse(`size mismatch: ${size} bytes written, ${stated.total} stated`);
    await rename(part, dest);
    return size;
  }
}
