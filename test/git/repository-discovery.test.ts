/**
 * Board writes in repositories that are not a plain `.git` directory: a linked worktree
 * (`git worktree add`) must commit onto the shared branch, a sha256 repository or one needing an
 * unknown extension must be refused with the repository and the reason named, and nothing written.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readFormat, unsupportedReason } from "../../src/git/repository.js";
import { beadText } from "../helpers/beads.js";
import { runCli } from "../helpers/cli.js";
import { cleanupTempBoards, gitEnv } from "../helpers/temp-board.js";
import { cliBoard, ACTOR } from "../cli/support.js";

afterEach(cleanupTempBoards);
const extraDirs: string[] = [];
afterEach(() => {
  for (const dir of extraDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "bb-repo-")));
  extraDirs.push(dir);
  return dir;
}

const git = (cwd: string, args: string[]): string => execFileSync("git", args, { cwd, env: gitEnv(), encoding: "utf8" });
const bead = (cwd: string, args: string[]) => runCli(args, { cwd, env: { BEAD_ACTOR: ACTOR } });
const A = beadText(["title: Alpha", "status: open", "priority: 2"], "Body.\n");

describe("a board in a linked worktree (git worktree add)", () => {
  async function linked() {
    const main = await cliBoard({ "beads/a.md": A });
    const wt = join(tempDir(), "wt");
    git(main.dir, ["worktree", "add", "-q", "-b", "side", wt]);
    return { main, wt };
  }

  it("bead set commits onto the worktree's branch in the shared repository; git log and fsck agree", async () => {
    const { main, wt } = await linked();
    const before = git(main.dir, ["rev-parse", "side"]).trim();
    const run = await bead(wt, ["set", "a", "priority=1"]);
    expect(run).toMatchObject({ code: 0, stdout: "a: updated\n" });
    // The branch moved, seen from the main checkout (the refs shared by all worktrees).
    const after = git(main.dir, ["rev-parse", "side"]).trim();
    expect(after).not.toBe(before);
    expect(git(main.dir, ["log", "-1", "--format=%s", "side"]).trim()).toBe("set a priority=1");
    expect(git(main.dir, ["show", "side:beads/a.md"])).toContain("priority: 1");
    expect(git(wt, ["rev-parse", "HEAD"]).trim()).toBe(after);
    // No private copies of refs or objects in the worktree's gitdir.
    const privateGitdir = git(wt, ["rev-parse", "--absolute-git-dir"]).trim();
    expect(() => git(main.dir, ["--git-dir", privateGitdir, "rev-parse", "--verify", "-q", "refs/heads/side"])).not.toThrow();
    expect(execFileSync("ls", ["-A", privateGitdir], { encoding: "utf8" })).not.toMatch(/^objects$|^refs$/m);
    git(main.dir, ["fsck", "--strict", "--no-dangling"]);
    // The worktree's index agrees with its HEAD for the path written; the main checkout is untouched.
    expect(git(wt, ["status", "--porcelain"])).toBe("");
    expect(git(main.dir, ["status", "--porcelain"])).toBe("");
    expect(git(main.dir, ["rev-parse", "HEAD"]).trim()).toBe(before);
  });

  it("bead new and bead claim land on the branch too", async () => {
    const { main, wt } = await linked();
    const made = await bead(wt, ["new", "Second thing"]);
    expect(made.code).toBe(0);
    const claim = await bead(wt, ["claim", "a", "--as", "me"]);
    expect(claim.code).toBe(0);
    const log = git(main.dir, ["log", "--format=%s", "side"]);
    expect(log.split("\n").filter(Boolean).length).toBeGreaterThanOrEqual(3);
    expect(git(main.dir, ["show", "side:beads/a.md"])).toMatch(/status: claimed/);
    git(main.dir, ["fsck", "--strict", "--no-dangling"]);
  });

  it("works when the shared objects are packed (git gc): the fallback writes objects where git reads them", async () => {
    const { main, wt } = await linked();
    git(main.dir, ["gc", "-q"]);
    const run = await bead(wt, ["set", "a", "priority=3"]);
    expect(run.code).toBe(0);
    expect(git(main.dir, ["show", "side:beads/a.md"])).toContain("priority: 3");
    git(main.dir, ["fsck", "--strict", "--no-dangling"]);
  });
});

describe("repositories beadboard refuses", () => {
  it("a sha256 repository: refused by name and reason, the branch keeps its sha256 commit", async () => {
    const dir = tempDir();
    git(dir, ["init", "-q", "--object-format=sha256", "-b", "main"]);
    mkdirSync(join(dir, "beads"));
    writeFileSync(join(dir, "beads/a.md"), A);
    git(dir, ["add", "-A"]);
    git(dir, ["commit", "-q", "-m", "init"]);
    const head = git(dir, ["rev-parse", "HEAD"]).trim();
    expect(head).toHaveLength(64);
    const run = await bead(dir, ["set", "a", "priority=1"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(join(dir, ".git"));
    expect(run.stderr).toMatch(/sha256 object ids/);
    expect(git(dir, ["rev-parse", "HEAD"]).trim()).toBe(head);
    expect(git(dir, ["status", "--porcelain"])).toBe("");
    git(dir, ["fsck", "--strict"]);
  });

  it("an unknown extension in a version 1 repository is refused, naming it", async () => {
    const b = await cliBoard({ "beads/a.md": A });
    const head = b.head();
    b.git(["config", "core.repositoryformatversion", "1"]);
    b.git(["config", "extensions.futureThing", "true"]);
    const run = await b.bead(["set", "a", "priority=1"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/extensions\.futurething/);
    // git itself refuses the repository too: read the branch file
    expect(readFileSync(join(b.dir, ".git/refs/heads/main"), "utf8").trim()).toBe(head);
  });

  it("reads the format the way git writes it", () => {
    expect(unsupportedReason(readFormat("[core]\n\trepositoryformatversion = 0\n"))).toBeNull();
    expect(unsupportedReason(readFormat("[core]\n\trepositoryformatversion = 1\n[extensions]\n\tworktreeConfig = true\n"))).toBeNull();
    expect(unsupportedReason(readFormat("[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectformat = sha256\n"))).toMatch(/sha256/);
    expect(unsupportedReason(readFormat("[core]\n\trepositoryformatversion = 1\n[extensions]\n\trefStorage = reftable\n"))).toMatch(/reftable/);
    expect(unsupportedReason(readFormat("[core]\n\trepositoryformatversion = 2\n"))).toMatch(/version/);
    expect(unsupportedReason(readFormat("[extensions \"x\"] ; comment\n[core] repositoryformatversion = 1 # why\n"))).toBeNull();
  });
});
