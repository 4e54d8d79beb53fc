import * as fs from "node:fs";
import { existsSync } from "node:fs";
import { readBoardFileText } from "../../board/safe-read.js";
import { join, resolve } from "node:path";
import { installedBin } from "../install-path.js";
import git from "isomorphic-git";
import { assertValidPrefix } from "../../bead/ids.js";
import { beadJsonSchema } from "../../bead/schema.js";
import { boardPaths, findBoard, type BoardPaths } from "../../board/paths.js";
import { agentFilesFor, renderBlock, withAgentBlock } from "../../board/agent-block.js";
import { AGENTS_MD, BOARD_CONFIG, EXAMPLE_AGENT, MEMORY_MD, PRE_COMMIT_HOOK, VSCODE_SETTINGS } from "../../board/templates.js";
import { VSCODE_TASKS, withLintTask } from "../../board/vscode-tasks.js";
import { MCP_CLIENT_CONFIG, MCP_CLIENT_FILES, withMcpServer } from "../../board/mcp-clients.js";
import { withBoardLock } from "../../git/board-lock.js";
import { writeContext, writeFilesLocked } from "../../board/write.js";
import { InvalidArgumentError, NotABoardError } from "../../errors.js";
import type { CliIo, GlobalOptions } from "../io.js";
import { embeddedAgentFile, embeddedAgentNote, engineInstalled } from "./init-embedded.js";
import { commonDir } from "../../git/repository.js";

interface InitOptions extends GlobalOptions {
  prefix?: string;
  remote?: string;
  /** Comma-separated coding agents (claude, qwen, gemini, codex) whose instruction files get the marked block. */
  agents?: string;
  /** Also write agents/tiny.md, an agent whose model runs inside bead (provider: embedded). */
  embedded?: boolean;
}

/**
 * Prepare a board. Idempotent: files a person may have edited are written only when missing
 * (a .vscode/tasks.json of theirs only gets our task added, see mergeInto); the generated schema
 * is refreshed; nothing is committed when nothing changed.
 */
export async function init(io: CliIo, options: InitOptions): Promise<void> {
  const start = options.dir ? resolve(io.cwd, options.dir) : io.cwd;
  // .beadboard.yml and .git/config are no place for a token: the first is pushed with the board.
  if (options.remote !== undefined && /^[a-z][a-z0-9+.-]*:\/\/[^/@]*@/i.test(options.remote)) {
    throw new InvalidArgumentError("--remote has a user name or token in it; give the plain URL and put the token in BEAD_TOKEN");
  }
  const paths = await openOrCreateRepo(start);
  const prefix = assertValidPrefix(options.prefix ?? "bb");
  const wanted: Wanted[] = [
    { path: "beads/.gitkeep", content: "" },
    { path: "agents/reporter.md", content: EXAMPLE_AGENT },
    ...(options.embedded ? [embeddedAgentFile()] : []),
    { path: "memory/MEMORY.md", content: MEMORY_MD },
    ...agentInstructionFiles(options.agents),
    { path: ".beadboard.yml", content: BOARD_CONFIG(prefix, options.remote) },
    { path: ".beadboard/bead.schema.json", content: `${JSON.stringify(beadJsonSchema(), null, 2)}\n`, refresh: true },
    { path: ".vscode/settings.json", content: VSCODE_SETTINGS },
    { path: ".vscode/tasks.json", content: VSCODE_TASKS, merge: withLintTask },
    { path: ".githooks/pre-commit", content: PRE_COMMIT_HOOK, refresh: true, executable: true },
    // Coding agents' MCP configs (Claude Code, Qwen Code): `bead mcp` added, nothing of theirs changed.
    ...MCP_CLIENT_FILES.map(({ path }) => ({ path, content: MCP_CLIENT_CONFIG, merge: withMcpServer(path) })),
  ];
  const ctx = writeContext(paths, io.env);
  const notes: string[] = [];
  const written = await withBoardLock(paths.stateDir, async () => {
    const files: Wanted[] = [];
    for (const file of wanted) {
      const full = join(paths.root, file.path);
      if (!existsSync(full)) files.push(file);
      else if (file.merge) {
        const merged = await mergeInto(paths, file, readBoardFileText(full, file.path));
        if (typeof merged === "string") notes.push(merged);
        else if (merged) files.push(merged);
      } else if (file.refresh === true && readBoardFileText(full, file.path) !== file.content) files.push(file);
    }
    if (files.length === 0) return [];
    await writeFilesLocked(ctx, files, "init beadboard");
    return files.map((file) => file.path);
  });
  for (const note of notes) io.err(`bead: ${note}\n`);
  await installHooksPath(io, paths);
  // This machine's bead for the hook, in this clone's own config (never committed).
  const bin = installedBin();
  if (bin) await git.setConfig({ fs, dir: paths.root, gitdir: commonDir(paths.gitdir), path: "beadboard.bin", value: bin });
  if (options.remote) await addRemote(paths, options.remote);
  io.out(written.length > 0 ? `board ready at ${paths.root} (wrote ${written.join(", ")})\n` : `board at ${paths.root} is already set up\n`);
  if (options.embedded) io.out(`${embeddedAgentNote(paths.root, io.env, engineInstalled()).join("\n")}\n`);
}

/**
 * AGENTS.md as before; with --agents, a marked block in AGENTS.md and each named agent's file
 * (board/agent-block.ts), rewritten only inside its markers.
 */
function agentInstructionFiles(agents: string | undefined): Wanted[] {
  if (agents === undefined) return [{ path: "AGENTS.md", content: AGENTS_MD }];
  const names = agents.split(",").map((name) => name.trim()).filter(Boolean);
  let files: string[];
  try {
    files = agentFilesFor(names);
  } catch (error) {
    throw new InvalidArgumentError(`--agents: ${(error as Error).message}`);
  }
  return files.map((path) => ({ path, content: renderBlock(AGENTS_MD), merge: (existing: string) => withAgentBlock(path, existing, AGENTS_MD, [AGENTS_MD]) }));
}

interface Wanted {
  path: string;
  content: string;
  /** Rewrite when it differs: generated, nobody edits it. */
  refresh?: boolean;
  executable?: boolean;
  /** A file the person may already have: add ours to theirs, or say why not (see withLintTask). */
  merge?: (existing: string) => { content: string } | { note: string } | undefined;
}

/**
 * The merged file, a note for the person, or undefined when nothing is to be done. Only a file
 * committed as it is gets merged: init commits what it writes, and must not commit their
 * unfinished edits along with ours.
 */
async function mergeInto(paths: BoardPaths, file: Wanted, existing: string): Promise<Wanted | string | undefined> {
  const merged = file.merge!(existing);
  if (merged === undefined || "note" in merged) return merged?.note;
  const status = await git.status({ fs, dir: paths.root, gitdir: paths.gitdir, filepath: file.path });
  if (status !== "unmodified") return `${file.path} has changes not committed yet; left as it is: run \`bead init\` again once they are committed`;
  return { ...file, content: merged.content };
}

/**
 * Point git at .githooks, unless that would switch off hooks the person already has (another
 * core.hooksPath such as husky's, or hooks in .git/hooks): then say how to add the check instead.
 */
async function installHooksPath(io: CliIo, paths: BoardPaths): Promise<void> {
  const current = (await git.getConfig({ fs, dir: paths.root, gitdir: commonDir(paths.gitdir), path: "core.hooksPath" })) as unknown;
  if (current === ".githooks") return;
  const advice = "add `bead lint --staged` to your pre-commit hook, or see .githooks/pre-commit";
  if (typeof current === "string" && current !== "") {
    io.err(`bead: core.hooksPath is already ${current}; left as it is: ${advice}\n`);
    return;
  }
  const own = existingHooks(join(paths.gitdir, "hooks"));
  if (own.length > 0) {
    io.err(`bead: .git/hooks has ${own.join(", ")}; core.hooksPath not set, so they keep running: ${advice}\n`);
    return;
  }
  await git.setConfig({ fs, dir: paths.root, gitdir: commonDir(paths.gitdir), path: "core.hooksPath", value: ".githooks" });
}

/** Hooks a person installed in .git/hooks (git's own `*.sample` files do not count). */
function existingHooks(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.endsWith(".sample"))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

async function openOrCreateRepo(start: string): Promise<BoardPaths> {
  try {
    return findBoard(start);
  } catch (error) {
    if (!(error instanceof NotABoardError)) throw error;
    fs.mkdirSync(start, { recursive: true });
    await git.init({ fs, dir: start, defaultBranch: "main" });
    return boardPaths(start);
  }
}

async function addRemote(paths: BoardPaths, url: string): Promise<void> {
  const remotes = await git.listRemotes({ fs, dir: paths.root, gitdir: commonDir(paths.gitdir) });
  if (!remotes.some((remote) => remote.remote === "origin")) await git.addRemote({ fs, dir: paths.root, gitdir: commonDir(paths.gitdir), remote: "origin", url });
}
