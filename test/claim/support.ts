/**
 * Shared rig for the claim tests: spawn fixture processes (test/claim/fixtures/actor.mjs, which
 * runs the built dist/), collect their JSON lines, and read the claim history back from git
 * with the system git CLI, independently of the product's own git code.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { gitEnv, runGit } from "../helpers/temp-board.js";

export const ACTOR = fileURLToPath(new URL("./fixtures/actor.mjs", import.meta.url));
export const DIST = fileURLToPath(new URL("../../dist/claim/claim.js", import.meta.url));
/** The host every fixture claims from, so holders read `p1@test`. */
export const HOST = "test";

export function assertBuilt(): void {
  if (!existsSync(DIST)) throw new Error("dist/ is missing: run `npm run build` before the claim tests");
}

export interface Attempt {
  event: "attempt";
  agent: string;
  id: string;
  ok: boolean;
  exit: number;
  code?: string;
  holder: string | null;
  commit?: string | null;
  leaseUntil?: string;
  message?: string;
}

export interface OtherLine {
  event: "ready" | "done" | "locked" | "holding" | "written";
  [key: string]: unknown;
}

export type ActorLine = Attempt | OtherLine;

export interface Actor {
  child: ChildProcess;
  lines: ActorLine[];
  stderr(): string;
  attempts(): Attempt[];
  /** Resolves with the first line of this event (already seen or yet to come). */
  waitFor(event: ActorLine["event"], timeoutMs?: number): Promise<ActorLine>;
  /** Exit code, or the signal name when killed. */
  exited: Promise<number | string>;
  send(line: string): void;
}

export function spawnActor(args: string[], env: NodeJS.ProcessEnv = {}): Actor {
  const child = spawn(process.execPath, [ACTOR, ...args], { env: { ...gitEnv(), ...env }, stdio: ["pipe", "pipe", "pipe"] });
  const lines: ActorLine[] = [];
  const waiters: Array<() => void> = [];
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    lines.push(JSON.parse(line) as ActorLine);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => {
      resolve(code ?? signal ?? "unknown");
      for (const wake of waiters.splice(0)) wake();
    });
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const actor: Actor = {
    child,
    lines,
    stderr: () => stderr,
    attempts: () => lines.filter((line): line is Attempt => line.event === "attempt"),
    exited,
    send: (line) => child.stdin?.write(`${line}\n`),
    waitFor(event, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`actor ${args.join(" ")}: no "${event}" within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        const check = (): void => {
          const found = lines.find((line) => line.event === event);
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else if (done) {
            clearTimeout(timer);
            reject(new Error(`actor ${args.join(" ")} exited before "${event}"; stderr: ${stderr}`));
          } else {
            waiters.push(check);
          }
        };
        check();
      });
    },
  };
  return actor;
}

/** A board of `count` open beads `b-000`…, as files for makeTempBoard. */
export function beadFiles(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const id = `b-${String(i).padStart(3, "0")}`;
    files[`beads/${id}.md`] = `---\ntitle: Bead number ${i}\nstatus: open\npriority: ${i % 5}\n---\nDo thing ${i}.\n`;
  }
  return files;
}

export interface HistoryCommit {
  oid: string;
  parents: string[];
  subject: string;
  files: string[];
  added: string[];
  removed: string[];
}

/** Every commit reachable from `revs`, oldest first, with the lines each added and removed. */
export async function history(dir: string, revs: string[] = ["HEAD"]): Promise<HistoryCommit[]> {
  const out = await runGit(dir, ["log", "--reverse", "--topo-order", "--diff-merges=first-parent", "--format=@@commit %H %P%n%s", "-p", "--unified=0", "--no-color", "--no-renames", ...revs]);
  const commits: HistoryCommit[] = [];
  let current: HistoryCommit | undefined;
  let expectSubject = false;
  for (const line of out.split("\n")) {
    if (line.startsWith("@@commit ")) {
      const [oid = "", ...parents] = line.slice("@@commit ".length).trim().split(" ");
      current = { oid, parents, subject: "", files: [], added: [], removed: [] };
      commits.push(current);
      expectSubject = true;
    } else if (!current) {
      continue;
    } else if (expectSubject) {
      current.subject = line;
      expectSubject = false;
    } else if (line.startsWith("diff --git ")) {
      const match = /^diff --git a\/(.+) b\/(.+)$/.exec(line);
      if (match?.[2]) current.files.push(match[2]);
    } else if (line.startsWith("+++ ") || line.startsWith("--- ")) {
      continue;
    } else if (line.startsWith("+")) {
      current.added.push(line.slice(1));
    } else if (line.startsWith("-")) {
      current.removed.push(line.slice(1));
    }
  }
  for (const commit of commits) commit.files = [...new Set(commit.files)];
  return commits;
}

export interface ClaimCommit {
  oid: string;
  id: string;
  agent: string;
}

/** Claim commits by their greppable message `claim <id> by <agent>`, checked against their diff. */
export function claimCommits(commits: HistoryCommit[]): ClaimCommit[] {
  const claims: ClaimCommit[] = [];
  for (const commit of commits) {
    const match = /^claim (\S+) by (\S+)$/.exec(commit.subject);
    if (!match?.[1] || !match[2]) continue;
    const [, id, agent] = match;
    // The diff must say the same thing as the message: exactly this file, open -> claimed by agent.
    if (commit.files.join() !== `beads/${id}.md`) throw new Error(`${commit.oid} "${commit.subject}" touched ${commit.files.join(", ")}`);
    if (!commit.added.includes("status: claimed") || !commit.added.includes(`claimed_by: ${agent}@${HOST}`)) {
      throw new Error(`${commit.oid} "${commit.subject}" does not write status claimed by ${agent}@${HOST}: +${commit.added.join(" +")}`);
    }
    claims.push({ oid: commit.oid, id, agent });
  }
  return claims;
}

/**
 * `git fsck --strict` (everything it prints, stdout and stderr; it throws on a non-zero exit) and
 * `git status --porcelain`. A healthy, clean repository gives { fsck: "", status: "" }.
 */
export async function repoHealth(dir: string): Promise<{ fsck: string; status: string }> {
  const fsck = await new Promise<string>((resolve, reject) => {
    execFile("git", ["fsck", "--strict", "--no-progress", "--no-dangling"], { cwd: dir, env: gitEnv(), encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git fsck failed: ${stdout}${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
  const status = await runGit(dir, ["status", "--porcelain", "--untracked-files=all"]);
  return { fsck, status };
}
