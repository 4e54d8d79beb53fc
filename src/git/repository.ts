import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { UnsupportedRepositoryError } from "../errors.js";

/**
 * Where a repository keeps what. A linked worktree (`git worktree add`) has a private gitdir
 * (HEAD, index, its own reflog) and shares refs, objects, packed-refs and config with the main
 * repository through the `commondir` file; writing a branch or an object into the private gitdir
 * would be silently lost. Every ref and object path goes through here.
 */

const commonDirs = new Map<string, string>();

/** The directory holding refs, objects and config for `gitdir` (itself, unless it is a linked worktree's). */
export function commonDir(gitdir: string): string {
  const known = commonDirs.get(gitdir);
  if (known !== undefined) return known;
  let common = gitdir;
  const file = join(gitdir, "commondir");
  if (existsSync(file)) {
    const target = readFileSync(file, "utf8").trim();
    common = isAbsolute(target) ? target : resolve(gitdir, target);
  }
  commonDirs.set(gitdir, common);
  return common;
}

/** Refs git keeps per worktree (gitrepository-layout: HEAD, refs/bisect, refs/worktree, refs/rewritten). */
function isPerWorktreeRef(ref: string): boolean {
  return !ref.startsWith("refs/") || /^refs\/(bisect|worktree|rewritten)\//.test(ref);
}

/** The directory `ref` (and its reflog, and its lock) lives under. */
export function refBase(gitdir: string, ref: string): string {
  return isPerWorktreeRef(ref) ? gitdir : commonDir(gitdir);
}

export function objectsDir(gitdir: string): string {
  return join(commonDir(gitdir), "objects");
}

/** Extensions beadboard writes correctly (lower-cased, as git compares them). */
const SUPPORTED_EXTENSIONS = new Set(["noop", "noop-v1", "worktreeconfig", "preciousobjects"]);

/** The `[core] repositoryformatversion` and `[extensions]` of a git config text, lower-cased keys. */
export function readFormat(configText: string): { version: number; extensions: Map<string, string> } {
  let section = "";
  let version = 0;
  const extensions = new Map<string, string>();
  for (const raw of configText.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)[#;].*$/, "").trim();
    if (line === "") continue;
    const header = /^\[\s*([^\]\s"]+)(?:\s+"[^"]*")?\s*\]\s*(.*)$/.exec(line);
    if (header) {
      section = header[1]!.toLowerCase();
      if (!header[2]) continue;
    }
    const entry = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(header ? header[2]! : line);
    if (!entry) continue;
    const key = entry[1]!.toLowerCase();
    const value = (entry[2] ?? "true").replace(/^"(.*)"$/, "$1").trim();
    if (section === "core" && key === "repositoryformatversion") version = Number(value);
    if (section === "extensions") extensions.set(key, value.toLowerCase());
  }
  return { version, extensions };
}

/** Why beadboard must not write to a repository with this format, or null when it may. */
export function unsupportedReason(format: { version: number; extensions: Map<string, string> }): string | null {
  const objectFormat = format.extensions.get("objectformat");
  if (objectFormat !== undefined && objectFormat !== "sha1") return `the repository uses ${objectFormat} object ids (extensions.objectFormat), and beadboard writes SHA-1 objects only`;
  const refStorage = format.extensions.get("refstorage");
  if (refStorage !== undefined && refStorage !== "files") return `the repository keeps its refs in ${refStorage} (extensions.refStorage), and beadboard reads and writes loose ref files only`;
  if (!Number.isInteger(format.version) || format.version < 0 || format.version > 1) return `core.repositoryformatversion is ${format.version}, and beadboard knows versions 0 and 1 only`;
  if (format.version === 1) {
    for (const name of format.extensions.keys()) {
      if (name === "objectformat" || name === "refstorage") continue;
      if (!SUPPORTED_EXTENSIONS.has(name)) return `the repository needs extensions.${name}, which beadboard does not know`;
    }
  }
  return null;
}

/**
 * Refuse, once when a board is opened, a repository whose format beadboard would corrupt: a
 * sha256 repository would get a SHA-1 commit on its branch, an unknown extension may change
 * what a ref or object means. The error names the repository and the reason.
 */
const supported = new Set<string>();

export function assertSupportedRepository(gitdir: string): void {
  if (supported.has(gitdir)) return;
  const common = commonDir(gitdir);
  let config: string;
  try {
    config = readFileSync(join(common, "config"), "utf8");
  } catch (error) {
    throw new UnsupportedRepositoryError(common, `its config cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const reason = unsupportedReason(readFormat(config));
  if (reason) throw new UnsupportedRepositoryError(common, reason);
  supported.add(gitdir);
}

/** True when `gitdir` is a linked worktree's private gitdir (isomorphic-git does not know about these). */
export function isLinkedWorktree(gitdir: string): boolean {
  return commonDir(gitdir) !== gitdir;
}
