import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { beadJsonSchema } from "../../src/bead/schema.js";
import { LINT_TASK_LABEL, VSCODE_TASKS } from "../../src/board/vscode-tasks.js";
import { runBeadProcess, runCli } from "../helpers/cli.js";
import { cleanupTempBoards, GitCommandError, gitEnv, runGitSync } from "../helpers/temp-board.js";
import { cliBoard, lastCommitFiles, type CliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const INIT_FILES = [".beadboard.yml", ".beadboard/bead.schema.json", ".githooks/pre-commit", ".mcp.json", ".qwen/settings.json", ".vscode/settings.json", ".vscode/tasks.json", "AGENTS.md", "agents/reporter.md", "beads/.gitkeep", "memory/MEMORY.md"];

async function initialised(): Promise<CliBoard> {
  const board = await cliBoard({ "README.md": "# my project\n" });
  const run = await board.bead(["init"]);
  expect(run.code).toBe(0);
  return board;
}

describe("bead init", () => {
  it("prepares a git repo as a board in one commit of exactly its files", async () => {
    const board = await initialised();
    expect(board.git(["log", "-1", "--format=%s"]).trim()).toBe("init beadboard");
    expect(lastCommitFiles(board).sort()).toEqual(INIT_FILES);
    expect(board.git(["config", "core.hooksPath"]).trim()).toBe(".githooks");
    expect(statSync(join(board.dir, ".githooks/pre-commit")).mode & 0o111).not.toBe(0);
    expect(board.git(["ls-files", "-s", ".githooks/pre-commit"])).toMatch(/^100755 /);
    expect(board.git(["status", "--porcelain"])).toBe("");
  });

  it("writes AGENTS.md for coding agents, an example agent that lints clean, and the bead JSON Schema", async () => {
    const board = await initialised();
    const agents = board.read("AGENTS.md");
    for (const command of ["bead ready --json", "bead show <id> --json", "bead claim <id> --as", "bead close <id>", "bead new"]) expect(agents).toContain(command);
    expect(board.read("agents/reporter.md")).toMatch(/^---\nname: reporter\n/);
    expect(JSON.parse(board.read(".beadboard/bead.schema.json"))).toEqual(beadJsonSchema());
    const vscode = JSON.parse(board.read(".vscode/settings.json")) as { "yaml.schemas": Record<string, string[]> };
    expect(vscode["yaml.schemas"]["./.beadboard/bead.schema.json"]).toEqual(["beads/*.md"]);
    expect(await board.bead(["lint"])).toMatchObject({ code: 0, stdout: "" });
  });

  it("is idempotent: a second run commits nothing and changes nothing", async () => {
    const board = await initialised();
    const head = board.head();
    const files = board.snapshot();
    const config = board.read(".git/config");
    const again = await board.bead(["init"]);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/already set up/) });
    expect(board.head()).toBe(head);
    expect(board.snapshot()).toEqual(files);
    expect(board.read(".git/config")).toBe(config);
    expect(board.git(["status", "--porcelain"])).toBe("");
  });

  it("keeps files a person edited, restores missing ones, and refreshes a stale schema", async () => {
    const board = await initialised();
    board.write("AGENTS.md", "# our own rules\n");
    board.write(".beadboard/bead.schema.json", "{}\n");
    await board.gitAsync(["commit", "-qam", "person edits"]);
    await board.gitAsync(["rm", "-q", "memory/MEMORY.md"]);
    await board.gitAsync(["commit", "-qm", "drop memory"]);
    expect((await board.bead(["init"])).code).toBe(0);
    expect(board.read("AGENTS.md")).toBe("# our own rules\n");
    expect(JSON.parse(board.read(".beadboard/bead.schema.json"))).toEqual(beadJsonSchema());
    expect(lastCommitFiles(board).sort()).toEqual([".beadboard/bead.schema.json", "memory/MEMORY.md"]);
  });

  it("creates the repository when the directory is not one yet, and honours --prefix", async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "beadboard-init-")));
    try {
      const run = await runCli(["init", "--prefix", "ops"], { cwd: dir });
      expect(run.code).toBe(0);
      expect(runGitSync(dir, ["symbolic-ref", "HEAD"]).trim()).toBe("refs/heads/main");
      expect(readFileSync(join(dir, ".beadboard.yml"), "utf8")).toMatch(/^prefix: ops\b/m);
      const created = await runCli(["new", "Hello"], { cwd: dir });
      expect(created.stdout).toMatch(/^ops-[0-9a-z]{4}\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a bad prefix and writes nothing", async () => {
    const board = await cliBoard();
    const head = board.head();
    const run = await board.bead(["init", "--prefix", "Bad/Prefix"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/a prefix is 1-16 lowercase letters/);
    expect(board.head()).toBe(head);
    expect(board.snapshot()).toEqual({});
  });

  it("does not sweep a person's staged work into its commit", async () => {
    const board = await cliBoard({ "README.md": "v1\n" });
    board.write("README.md", "v2 staged\n");
    await board.gitAsync(["add", "README.md"]);
    expect((await board.bead(["init"])).code).toBe(0);
    expect(lastCommitFiles(board)).not.toContain("README.md");
    expect(board.git(["status", "--porcelain"]).trim()).toBe("M  README.md");
  });
});

describe("bead init and VS Code", () => {
  const THEIR_TASK = { label: "build", type: "shell", command: "make", group: { kind: "build", isDefault: true } };
  const labels = (text: string) => (JSON.parse(text) as { tasks: Array<{ label: string }> }).tasks.map((task) => task.label);

  it("writes a background task that runs bead lint --watch when the folder opens, and says where editors get problems", async () => {
    const board = await initialised();
    expect(board.read(".vscode/tasks.json")).toBe(VSCODE_TASKS);
    const task = (JSON.parse(VSCODE_TASKS) as { tasks: Array<Record<string, unknown>> }).tasks[0];
    expect(task).toMatchObject({ label: LINT_TASK_LABEL, isBackground: true, runOptions: { runOn: "folderOpen" }, problemMatcher: { owner: "bead" } });
    const agents = board.read("AGENTS.md");
    expect(agents).toContain('"bead: lint (watch)" task');
    expect(agents).toContain("`bead lint --watch`");
    expect(agents).toContain("`%f:%l: %m`");
  });

  it("leaves a tasks.json with comments byte for byte, and says how to add the task", async () => {
    const jsonc = '{\n  // See https://go.microsoft.com/fwlink/?LinkId=733558\n  "version": "2.0.0",\n  "tasks": [\n    { "label": "build", "type": "shell", "command": "make", },\n  ]\n}\n';
    const board = await cliBoard({ ".vscode/tasks.json": jsonc });
    const run = await board.bead(["init"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^bead: \.vscode\/tasks\.json is not plain JSON \(comments, say\); left as it is\. For bead problems in VS Code's Problems view, add this task/m);
    expect(run.stderr).toContain('"label": "bead: lint (watch)"');
    expect(board.read(".vscode/tasks.json")).toBe(jsonc);
    expect(lastCommitFiles(board)).not.toContain(".vscode/tasks.json");
    const head = board.head();
    expect((await board.bead(["init"])).stdout).toMatch(/already set up/);
    expect(board.read(".vscode/tasks.json")).toBe(jsonc);
    expect(board.head()).toBe(head);
  });

  it("adds the task to a plain-JSON tasks.json, keeping the person's tasks and indentation; a second run changes nothing", async () => {
    const theirs = `${JSON.stringify({ version: "2.0.0", tasks: [THEIR_TASK] }, null, 4)}\n`;
    const board = await cliBoard({ ".vscode/tasks.json": theirs });
    expect((await board.bead(["init"])).code).toBe(0);
    const merged = board.read(".vscode/tasks.json");
    expect(labels(merged)).toEqual(["build", LINT_TASK_LABEL]);
    expect((JSON.parse(merged) as { tasks: unknown[] }).tasks[0]).toEqual(THEIR_TASK);
    expect(merged).toMatch(/^ {4}"version"/m);
    expect(lastCommitFiles(board)).toContain(".vscode/tasks.json");
    const head = board.head();
    const again = await board.bead(["init"]);
    expect(again).toMatchObject({ code: 0, stderr: "", stdout: expect.stringMatching(/already set up/) });
    expect(board.read(".vscode/tasks.json")).toBe(merged);
    expect(board.head()).toBe(head);
  });

  it("does not merge into a tasks.json with uncommitted changes", async () => {
    const board = await cliBoard({ ".vscode/tasks.json": `${JSON.stringify({ version: "2.0.0", tasks: [] })}\n` });
    const edited = `${JSON.stringify({ version: "2.0.0", tasks: [THEIR_TASK] })}\n`;
    board.write(".vscode/tasks.json", edited);
    const run = await board.bead(["init"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^bead: \.vscode\/tasks\.json has changes not committed yet; left as it is/m);
    expect(board.read(".vscode/tasks.json")).toBe(edited);
    expect(lastCommitFiles(board)).not.toContain(".vscode/tasks.json");
  });
});

describe("the pre-commit hook bead init installs", () => {
  it("refuses a commit with an invalid bead, finding this installation's bead when none is on PATH", async () => {
    // `bead init` as installed (the bundle in dist/), which must find bin/bead.js from where it runs.
    const board = await cliBoard({ "README.md": "# my project\n" });
    expect((await runBeadProcess(["init"], { cwd: board.dir })).code).toBe(0);
    board.write("beads/bad.md", "---\ntitle: t\nstatus: doing\n---\n");
    board.git(["add", "beads/bad.md"]);
    // Only Node and git on PATH (both live in the same place here): no `bead`, no node_modules.
    const env = { ...gitEnv(), PATH: `${dirname(process.execPath)}:/usr/bin:/bin` };
    const commit = spawnSync("git", ["commit", "-qm", "bad bead"], { cwd: board.dir, env, encoding: "utf8" });
    expect(commit.status).not.toBe(0);
    expect(commit.stderr).toMatch(/beads\/bad\.md:3: status must be one of/);
    expect(board.git(["log", "-1", "--format=%s"]).trim()).toBe("init beadboard");
    // The committed hook names no path of this machine; the path lives in this clone's own config.
    expect(board.read(".githooks/pre-commit")).not.toContain(process.cwd());
    expect(board.git(["config", "--local", "beadboard.bin"]).trim()).toBe(join(process.cwd(), "bin", "bead.js"));
  });

  it("works from a second clone in another directory: bead from PATH; without one it says so and lets the commit through", async () => {
    const board = await cliBoard({ "README.md": "# my project\n" });
    expect((await runBeadProcess(["init"], { cwd: board.dir })).code).toBe(0);
    const elsewhere = mkdtempSync(join(tmpdir(), "bead-clone-"));
    try {
      const clone = join(elsewhere, "second clone");
      runGitSync(elsewhere, ["clone", "-q", board.dir, clone]);
      runGitSync(clone, ["config", "core.hooksPath", ".githooks"]);
      // A `bead` on PATH for this clone only (as `npm install -g` would put it).
      const shims = join(elsewhere, "bin");
      mkdirSync(shims);
      writeFileSync(join(shims, "bead"), `#!/bin/sh\nexec "${process.execPath}" "${join(process.cwd(), "bin", "bead.js")}" "$@"\n`, { mode: 0o755 });
      writeFileSync(join(clone, "beads", "bad.md"), "---\ntitle: t\nstatus: doing\n---\n");
      runGitSync(clone, ["add", "beads/bad.md"]);
      const bare = `${dirname(process.execPath)}:/usr/bin:/bin`;
      const refused = spawnSync("git", ["commit", "-qm", "bad bead"], { cwd: clone, env: { ...gitEnv(), PATH: `${shims}:${bare}` }, encoding: "utf8" });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/beads\/bad\.md:3: status must be one of/);

      const unchecked = spawnSync("git", ["commit", "-qm", "bad bead"], { cwd: clone, env: { ...gitEnv(), PATH: "/usr/bin:/bin" }, encoding: "utf8" });
      expect(unchecked.stderr).toContain("beadboard: bead not found (looked in node_modules/.bin, PATH, git config beadboard.bin, npx); bead files were NOT checked.");
      expect(unchecked.status).toBe(0);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe("bead init and hooks a person already has", () => {
  it("keeps another core.hooksPath (husky, say) and says how to add the check", async () => {
    const board = await cliBoard();
    await board.gitAsync(["config", "core.hooksPath", ".husky"]);
    const run = await board.bead(["init"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/core\.hooksPath is already \.husky; left as it is: add `bead lint --staged`/);
    expect(board.git(["config", "core.hooksPath"]).trim()).toBe(".husky");
  });

  it("does not switch off hooks in .git/hooks", async () => {
    const board = await cliBoard();
    board.write(".git/hooks/commit-msg", "#!/bin/sh\necho ran > .git/person-hook-ran\n");
    chmodSync(join(board.dir, ".git/hooks/commit-msg"), 0o755);
    const run = await board.bead(["init"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/\.git\/hooks has commit-msg; core\.hooksPath not set/);
    expect(() => board.git(["config", "core.hooksPath"])).toThrow(GitCommandError);
    board.write("x.txt", "x\n");
    await board.gitAsync(["add", "x.txt"]);
    // The person's hook still runs on their next commit.
    await board.gitAsync(["commit", "-q", "-m", "x"]);
    expect(board.read(".git/person-hook-ran")).toBe("ran\n");
  });
});

describe("the pre-commit hook installed by bead init", () => {
  it("blocks a `git commit` of an invalid bead, naming file and line", async () => {
    const board = await initialised();
    const head = board.head();
    board.write("beads/bad.md", "---\ntitle: Bad\nstatus: doing\n---\n");
    await board.gitAsync(["add", "beads/bad.md"]);
    const error = await board.gitAsync(["commit", "-m", "add a bad bead"]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as GitCommandError).stdout + (error as GitCommandError).stderr).toContain("beads/bad.md:3: status must be one of");
    expect(board.head()).toBe(head);
    expect(board.git(["status", "--porcelain"]).trim()).toBe("A  beads/bad.md");
  });

  it("checks the staged version, and lets valid beads through", async () => {
    const board = await initialised();
    board.write("beads/ok.md", "---\ntitle: Fine\n---\n");
    await board.gitAsync(["add", "beads/ok.md"]);
    // A broken working copy does not matter: the staged version is what gets committed.
    board.write("beads/ok.md", "---\ntitle: [broken\n---\n");
    await board.gitAsync(["commit", "-q", "-m", "add a good bead"]);
    expect(board.git(["log", "-1", "--format=%s"]).trim()).toBe("add a good bead");
  });

  it("blocks an invalid agent file and a bead with broken YAML", async () => {
    const board = await initialised();
    board.write("agents/broken.md", "---\nname: [broken\n---\n");
    board.write("beads/yaml.md", "---\ntitle: t\nlabels: [a\n---\n");
    await board.gitAsync(["add", "agents/broken.md", "beads/yaml.md"]);
    const error = (await board.gitAsync(["commit", "-m", "x"]).catch((e: unknown) => e)) as GitCommandError;
    expect(error).toBeInstanceOf(GitCommandError);
    // git hands a hook's output to stderr.
    expect(error.stderr).toMatch(/^agents\/broken\.md:2: invalid YAML/m);
    expect(error.stderr).toMatch(/^beads\/yaml\.md:3: invalid YAML/m);
  });
});

describe("bead init --remote", () => {
  it("refuses a URL with a token in it, and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "beadboard-init-remote-"));
    const run = await runCli(["init", "--remote", "https://me:s3cr3t@forgejo.example/team/board.git"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("BEAD_TOKEN");
    expect(run.stderr).not.toContain("s3cr3t");
    expect(existsSync(join(dir, ".beadboard.yml"))).toBe(false);
  });
});
