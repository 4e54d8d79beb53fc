/**
 * The throwaway repository of one task: a temp directory with the task's files, committed as a
 * git repository (list_files and search ask git what is tracked), read back afterwards, then
 * removed. Never the person's board: nothing a model does in an evaluation reaches it.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { git } from "../workspace/git-cli.js";

/** A repository left bigger than this is read only this far (a model that writes without end). */
const MAX_FILES = 2000;
const MAX_FILE_BYTES = 1024 * 1024;

const IDENTITY = { GIT_AUTHOR_NAME: "bead eval", GIT_AUTHOR_EMAIL: "eval@beadboard.invalid", GIT_COMMITTER_NAME: "bead eval", GIT_COMMITTER_EMAIL: "eval@beadboard.invalid" };

export interface Sandbox {
  /** Real absolute path of the repository. */
  root: string;
  remove(): void;
}

export async function makeSandbox(files: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<Sandbox> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "bead-eval-")));
  const remove = (): void => rmSync(root, { recursive: true, force: true });
  try {
    for (const [path, text] of Object.entries(files)) {
      const full = join(root, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
    }
    await git({ cwd: root, args: ["init", "--quiet", "--initial-branch=main"], signal });
    await git({ cwd: root, args: ["add", "-A"], signal });
    await git({ cwd: root, args: ["-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "--allow-empty", "-m", "task setup"], env: IDENTITY, signal });
    return { root, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** Every file outside .git, path → text; links and other non-files are named, never followed. `truncated`: more than maxFiles. */
export function snapshot(root: string, maxFiles: number = MAX_FILES): { files: Map<string, string>; truncated: boolean } {
  const files = new Map<string, string>();
  let truncated = false;
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (files.size >= maxFiles) {
        truncated = true;
        return;
      }
      if (prefix === "" && entry.name === ".git") continue;
      const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      const full = join(dir, entry.name);
      const stat = lstatSync(full);
      if (stat.isDirectory()) walk(full, rel);
      else if (!stat.isFile()) files.set(rel, "\0(not a regular file)");
      else if (stat.size > MAX_FILE_BYTES) files.set(rel, `\0(${stat.size} bytes, not read)`);
      else files.set(rel, readFileSync(full, "utf8"));
    }
  };
  walk(root, "");
  return { files, truncated };
}
