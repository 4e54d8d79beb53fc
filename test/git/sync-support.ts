/**
 * Rig for the sync tests: a real smart-HTTP git server (test/helpers/git-server.ts) with Basic
 * auth, a seeded board repository on it, and clones made by the git CLI, each opened as a board.
 * Test-only code, no vitest import.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { boardPaths } from "../../src/board/paths.js";
import { writeContext, type WriteContext } from "../../src/board/write.js";
import type { Remote } from "../../src/sync/remote.js";
import { startGitServer, type GitServer } from "../helpers/git-server.js";
import { makeTempBoard, runGit } from "../helpers/temp-board.js";

export const TOKEN = "forgejo-token-0123456789abcdef";

export interface Clone {
  dir: string;
  ctx: WriteContext;
  remote: Remote;
  read(rel: string): string;
  write(rel: string, text: string): void;
  git(args: string[]): Promise<string>;
}

export interface SyncRig {
  server: GitServer;
  repo: string;
  clone(name: string, env?: NodeJS.ProcessEnv): Promise<Clone>;
  /** `git show main:<path>` on the server's bare repository. */
  serverFile(path: string): Promise<string>;
  serverTip(): Promise<string>;
  /** Subjects of every commit on the server's main, oldest first. */
  serverLog(): Promise<string[]>;
  fsck(dir: string): Promise<string>;
  close(): Promise<void>;
}

export function beadFile(title: string, extra: string[] = [], body = "Do it.\n"): string {
  return `---\ntitle: ${title}\n${extra.map((line) => `${line}\n`).join("")}---\n${body}`;
}

export function remoteFor(url: string, env: NodeJS.ProcessEnv = { BEAD_TOKEN: TOKEN }): Remote {
  return { url, branch: "main", tokenEnv: "BEAD_TOKEN", username: "beadboard", env, timeoutMs: 20_000, credentialHelper: false };
}

/** A board repository on a fresh server, seeded with `files`, plus a way to clone it. */
export async function startSyncRig(files: Record<string, string>, repo = "board"): Promise<SyncRig> {
  const server = await startGitServer({ token: TOKEN });
  const seed = await makeTempBoard({ "memory/MEMORY.md": "# Shared memory\n", ...files });
  await server.createRepo(repo, { from: seed.dir });
  await seed.cleanup();
  const dirs: string[] = [];
  const basic = Buffer.from(`x:${TOKEN}`).toString("base64");
  const bare = server.barePath(repo);
  return {
    server,
    repo,
    async clone(name, env = {}) {
      const parent = realpathSync(mkdtempSync(join(tmpdir(), `beadboard-sync-${name}-`)));
      dirs.push(parent);
      const dir = join(parent, name);
      await runGit(parent, ["-c", `http.extraHeader=Authorization: Basic ${basic}`, "clone", "-q", server.repoUrl(repo), dir]);
      const paths = boardPaths(dir);
      const ctx = writeContext(paths, { BEAD_ACTOR: `${name} <${name}@beadboard.test>`, ...env });
      return {
        dir,
        ctx,
        remote: remoteFor(server.repoUrl(repo)),
        read: (rel) => readFileSync(join(dir, rel), "utf8"),
        write: (rel, text) => {
          mkdirSync(dirname(join(dir, rel)), { recursive: true });
          writeFileSync(join(dir, rel), text);
        },
        git: (args) => runGit(dir, args),
      };
    },
    serverFile: (path) => runGit(bare, ["show", `main:${path}`]),
    serverTip: async () => (await runGit(bare, ["rev-parse", "main"])).trim(),
    serverLog: async () => (await runGit(bare, ["log", "--reverse", "--format=%s", "main"])).split("\n").filter(Boolean),
    fsck: async (dir) => (await runGit(dir, ["fsck", "--full", "--strict", "--no-dangling"])).trim(),
    async close() {
      await server.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
}

/** Commit like a person at a terminal: the git CLI, all changes. */
export async function personCommit(clone: Clone, message: string): Promise<void> {
  await clone.git(["add", "-A"]);
  await clone.git(["commit", "-q", "-m", message]);
}
