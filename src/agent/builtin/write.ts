/**
 * The builtin `write` action: write one file inside the board, from the bead, with no model.
 *
 *     write: { path: docs/notes.md, content: "…" }     # or `write: docs/notes.md` and the
 *                                                       # content in the body's first ``` block
 *
 * The path comes from a bead, which anyone (or any agent's follow-up) may have written, so it
 * is held to the board: relative, no `..`, no symlink anywhere on the way, nothing under .git
 * (or any `.git*` name), and never the files that steer agents (beads/, agents/, memory/,
 * .githooks/, .beadboard.yml, AGENTS.md): a bead that could rewrite an agent file could grant
 * itself commands. The agent file must say where it may write (`paths: [docs/, notes/]`;
 * without it nothing is written), and files that configure what `run` executes (package
 * manifests, npm/yarn config, git config and hooks, CI files, editor tasks, Makefiles, tool
 * configs) are written only when `paths:` names each one exactly: otherwise a `write` could
 * turn an allow-listed `npm test` into any command. An
 * existing file is replaced only when it is committed and unmodified, so a person's unsaved
 * work is never overwritten.
 */
import * as fs from "node:fs";
import { lstatSync } from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import * as z from "../../schema/zod.js";
import type { BeadWithBody } from "../../bead/fields.js";
import { writeFilesLocked, type WriteContext } from "../../board/write.js";
import type { WorkResult } from "../../claim/write-back.js";
import { withBoardLock } from "../../git/board-lock.js";
import type { AgentDefinition } from "../schema.js";

const MAX_BYTES = 1024 * 1024;
const PROTECTED = ["beads/", "agents/", "memory/", ".githooks/", ".beadboard.yml", "agents.md"];

/**
 * Files whose content decides what an allow-listed command runs. Matched on the lower-cased
 * path (any directory) or its last segment.
 */
const RUN_CONFIG_NAMES = new Set([
  "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "pnpm-workspace.yaml",
  ".npmrc", ".yarnrc", ".yarnrc.yml", ".pnpmfile.cjs", ".nvmrc", ".node-version", ".envrc", ".env",
  "makefile", "gnumakefile", "justfile", "rakefile", "jenkinsfile", "dockerfile", "docker-compose.yml", "docker-compose.yaml",
  ".gitlab-ci.yml", ".travis.yml", "azure-pipelines.yml", "bitbucket-pipelines.yml", ".pre-commit-config.yaml",
  "pyproject.toml", "setup.py", "setup.cfg", "tox.ini", "noxfile.py", "conftest.py", "pytest.ini", "cargo.toml", "build.rs", "go.mod",
  "tsconfig.json", "gemfile", "build.gradle", "pom.xml",
]);
const RUN_CONFIG_DIRS = [".vscode/", ".idea/", ".github/", ".circleci/", ".husky/", ".githooks/", ".cargo/", ".devcontainer/", ".yarn/"];
/** vitest.config.ts, jest.config.js, webpack.config.mjs, eslint.config.cjs… are code the test command loads. */
const TOOL_CONFIG = /(?:^|\.)config\.(?:[cm]?[jt]s|json)$|^\.[a-z]+rc(?:\.[cm]?js|\.json|\.ya?ml)?$|\.mk$/;

/** Whether `path` configures what a command run on the board executes. Pure. */
export function isRunConfig(path: string): boolean {
  const lower = path.toLowerCase();
  const name = lower.slice(lower.lastIndexOf("/") + 1);
  if (RUN_CONFIG_NAMES.has(name) || TOOL_CONFIG.test(name)) return true;
  return RUN_CONFIG_DIRS.some((dir) => lower.startsWith(dir) || lower.includes(`/${dir}`));
}

const writeSpec = z.union([
  z.pipe(z.string(), z.transform((path: string) => ({ path, content: undefined as string | undefined }))),
  z.object({ path: z.string(), content: z.optional(z.string()) }),
]);

export interface WriteRequest {
  path: string;
  content: string;
}

/** The write a bead asks for, or why it cannot be understood. Pure. */
export function writeRequestOf(bead: Pick<BeadWithBody, "fields" | "body">): WriteRequest | { error: string } {
  const parsed = writeSpec.safeParse(bead.fields.write);
  if (!parsed.success) return { error: "the bead needs `write: { path: <file in the board>, content: <text> }` (or `write: <path>` and a ``` block in the body)" };
  const content = parsed.data.content ?? firstFence(bead.body);
  if (content === undefined) return { error: `no content for ${parsed.data.path}: add content: to write:, or a fenced code block to the body` };
  return { path: parsed.data.path, content };
}

function firstFence(body: string): string | undefined {
  const match = /^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)^\1[ \t]*$/m.exec(body);
  return match?.[2];
}

/** Why `path` may not be written by a bead, or undefined when it may (textual checks only). Pure. */
export function pathProblem(path: string, allowedPrefixes: readonly string[] | undefined): string | undefined {
  if (path === "" || path.length > 512) return "the path is empty or too long";
  if (/[\x00-\x1f\x7f\\]/.test(path)) return "the path contains control characters or backslashes";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "the path is absolute; give a path inside the board";
  const segments = path.split("/");
  if (segments.some((segment) => segment === "..")) return "the path contains a \"..\" segment";
  if (segments.some((segment) => segment === "" || segment === ".")) return "the path has empty or \".\" segments";
  if (segments.some((segment) => segment.toLowerCase().startsWith(".git"))) return "the path is git's (.git, .gitignore, .gitattributes…)";
  const lower = path.toLowerCase();
  const guarded = PROTECTED.find((p) => (p.endsWith("/") ? lower.startsWith(p) : lower === p));
  if (guarded !== undefined) return `${guarded} steers the board and its agents; a bead may not write it`;
  if (isRunConfig(path) && !(allowedPrefixes ?? []).includes(path)) {
    return "it configures what commands run (a manifest, tool config, hook, CI or editor task); an agent may write it only when its paths: names this exact file";
  }
  if (allowedPrefixes && !allowedPrefixes.some((prefix) => path === prefix || path.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`))) {
    return `the agent may write only under ${allowedPrefixes.join(", ")}`;
  }
  return undefined;
}

/** Why the file system makes `path` unsafe to write: a symlink on the way, or not a plain file. */
function fileSystemProblem(root: string, path: string): string | undefined {
  let at = root;
  const segments = path.split("/");
  for (const [index, segment] of segments.entries()) {
    at = join(at, segment);
    let stat: fs.Stats;
    try {
      stat = lstatSync(at);
    } catch {
      return undefined; // nothing here yet: the rest is created fresh, as directories and a file
    }
    if (stat.isSymbolicLink()) return `${segments.slice(0, index + 1).join("/")} is a symlink; beads never write through symlinks`;
    const last = index === segments.length - 1;
    if (last && !stat.isFile()) return "the path exists and is not a regular file";
    if (!last && !stat.isDirectory()) return `${segments.slice(0, index + 1).join("/")} is not a directory`;
  }
  return undefined;
}

const pathsField = z.optional(z.array(z.string().check(z.minLength(1))));

export async function runWrite(ctx: WriteContext, agent: AgentDefinition, bead: BeadWithBody): Promise<WorkResult> {
  const refuse = (reason: string): WorkResult => ({ outcome: "failed", result: `Refused to write: ${reason}.`, reason: `write refused: ${reason}` });
  const request = writeRequestOf(bead);
  if ("error" in request) return refuse(request.error);
  const paths = pathsField.safeParse(agent.fields.paths);
  if (!paths.success) return refuse(`agents/${agent.name}.md: paths: must be a list of directories`);
  // Nothing by default: the agent file says where this agent may write.
  if (paths.data === undefined || paths.data.length === 0) return refuse(`agents/${agent.name}.md has no paths:; list the directories (or exact files) this agent may write, e.g. paths: [docs/]`);
  const problem = pathProblem(request.path, paths.data);
  if (problem) return refuse(`${request.path}: ${problem}`);
  const bytes = Buffer.byteLength(request.content, "utf8");
  if (bytes > MAX_BYTES) return refuse(`${request.path}: ${bytes} bytes is over the ${MAX_BYTES}-byte limit`);
  const root = ctx.paths.root;
  return withBoardLock(ctx.paths.stateDir, async () => {
    const fsProblem = fileSystemProblem(root, request.path);
    if (fsProblem) return refuse(`${request.path}: ${fsProblem}`);
    const status = await git.status({ fs, dir: root, gitdir: ctx.paths.gitdir, filepath: request.path, cache: ctx.cache });
    if (status !== "absent" && status !== "unmodified") {
      return refuse(`${request.path} has changes that are not committed (${status}); commit or discard them first`);
    }
    const commit = await writeFilesLocked(ctx, [{ path: request.path, content: request.content }], `write ${request.path} (${bead.id})`);
    const what = commit ? `in commit ${commit.oid.slice(0, 7)}` : "(it already had this content)";
    return {
      outcome: "done",
      result: `Wrote \`${request.path}\` (${bytes} bytes) ${what}.`,
      stats: { model: "builtin:write", tokensIn: 0, tokensOut: 0 },
    };
  });
}
