/**
 * Three-way merge of one path of the board (pure): beads with the bead-aware merge, memory
 * files as a union of both sides' lines, anything else as a line merge. Nothing is ever
 * dropped: where a file other than a bead or memory file cannot be merged (both sides changed
 * the same lines, or it is binary), ours stays at the path and the remote's version is
 * committed beside it as `<path>.theirs` for a person to reconcile.
 */
import { merge3 } from "./diff3.js";
import { mergeBead, type MergeNote } from "./merge-bead.js";

export interface FileVersion {
  bytes: Uint8Array;
  executable: boolean;
}

export interface MergedFile {
  path: string;
  /** null: the path is deleted. */
  version: FileVersion | null;
}

export interface PathMerge {
  /** The path's merged version, plus any `.theirs` file written beside it. */
  files: MergedFile[];
  notes: MergeNote[];
}

export type PathKind = "bead" | "memory" | "other";

/** beads/<id>.md (not dot-files, not subfolders) and memory/*.md get their own merge rules. */
export function pathKind(path: string): PathKind {
  if (/^beads\/[^/.][^/]*\.md$/.test(path)) return "bead";
  if (/^memory\/[^/]+\.md$/.test(path)) return "memory";
  return "other";
}

export const THEIRS_SUFFIX = ".theirs";

export function mergePath(path: string, base: FileVersion | null, ours: FileVersion | null, theirs: FileVersion | null): PathMerge {
  const executable = mergeMode(base, ours, theirs);
  if (ours === null || theirs === null) return mergeDeletion(path, base, ours, theirs);
  if (sameBytes(ours, base)) return { files: [{ path, version: { bytes: theirs.bytes, executable } }], notes: [] };
  if (sameBytes(theirs, base) || sameBytes(ours, theirs)) return { files: [{ path, version: { bytes: ours.bytes, executable } }], notes: [] };
  const [b, o, t] = [base === null ? "" : decode(base.bytes), decode(ours.bytes), decode(theirs.bytes)];
  const kind = pathKind(path);
  if (b !== undefined && o !== undefined && t !== undefined) {
    if (kind === "bead") {
      const merged = mergeBead({ path, base: base === null ? null : b, ours: o, theirs: t });
      return { files: [{ path, version: merged.text === null ? null : { bytes: encode(merged.text), executable } }], notes: merged.notes };
    }
    const merged = merge3(b, o, t, kind === "memory" ? "union" : "keep-both");
    if (merged.conflicts + merged.insertions === 0 || kind === "memory") {
      return { files: [{ path, version: { bytes: encode(merged.text), executable } }], notes: [] };
    }
  }
  const why = b === undefined || o === undefined || t === undefined ? "binary file changed on both sides" : "both sides changed the same lines";
  return {
    files: [
      { path, version: { bytes: ours.bytes, executable } },
      { path: path + THEIRS_SUFFIX, version: { bytes: theirs.bytes, executable: false } },
    ],
    notes: [{ path, kind: "conflict-file", detail: `${why}; kept ours, the remote's version is in ${path}${THEIRS_SUFFIX}` }],
  };
}

function mergeDeletion(path: string, base: FileVersion | null, ours: FileVersion | null, theirs: FileVersion | null): PathMerge {
  const kept = ours ?? theirs;
  if (kept === null) return { files: [{ path, version: null }], notes: [] };
  if (base === null) return { files: [{ path, version: kept }], notes: [] };
  if (sameBytes(kept, base) && kept.executable === base.executable) return { files: [{ path, version: null }], notes: [] };
  const detail = ours === null ? "deleted here but changed on the remote; kept the remote's version" : "deleted on the remote but changed here; kept ours";
  return { files: [{ path, version: kept }], notes: [{ path, kind: "deleted", detail }] };
}

function mergeMode(base: FileVersion | null, ours: FileVersion | null, theirs: FileVersion | null): boolean {
  if (ours === null || theirs === null) return (ours ?? theirs)?.executable ?? false;
  return base !== null && ours.executable === base.executable ? theirs.executable : ours.executable;
}

function sameBytes(a: FileVersion, b: FileVersion | null): boolean {
  return b !== null && Buffer.compare(a.bytes, b.bytes) === 0;
}

/** UTF-8 text, or undefined for binary content (a NUL byte, or not valid UTF-8). */
function decode(bytes: Uint8Array): string | undefined {
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function encode(text: string): Uint8Array {
  return Buffer.from(text, "utf8");
}
