import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HARNESS_TOOLS, toolDefinitions } from "../../src/harness/tools/index.js";
import { makeRunTool } from "../../src/harness/tools/run.js";
import { TOOL_NAMES, type ToolContext, type ToolName } from "../../src/harness/tool.js";

let base: string;
let root: string;
let outside: string;
let ctx: ToolContext;

function git(args: string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } });
}

/** A snapshot of everything outside the workspace that a tool could touch: the sibling dir and .git's refs/index. */
function outsideSnapshot(): string {
  const files = readdirSync(outside, { recursive: true }).map(String).sort();
  return JSON.stringify({ files, secret: readFileSync(join(outside, "secret.txt"), "utf8"), head: git(["rev-parse", "HEAD"]), index: statSync(join(root, ".git/index")).mtimeMs });
}

const call = (name: ToolName, input: unknown, context: ToolContext = ctx) => HARNESS_TOOLS[name].run(input, context);

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "bb-tools-")));
  root = join(base, "ws");
  outside = join(base, "outside");
  mkdirSync(join(root, "src"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, "secret.txt"), "TOP SECRET\n");
  writeFileSync(join(root, "src/math.js"), "export const add = (a, b) => a - b;\nexport const two = 2;\nexport const two2 = 2;\n");
  writeFileSync(join(root, "README.md"), "# demo\nadd numbers\n");
  writeFileSync(join(root, ".gitignore"), "build/\n");
  mkdirSync(join(root, "build"));
  writeFileSync(join(root, "build/out.js"), "add generated\n");
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: root });
  git(["add", "-A"]);
  git(["commit", "-qm", "init"]);
  writeFileSync(join(root, "notes.txt"), "untracked add note\n");
  ctx = { root, allow: [["node", "--version"], ["echo"]], signal: new AbortController().signal };
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

describe("happy paths", () => {
  it("read_file numbers lines and pages with start_line/end_line", async () => {
    const all = await call("read_file", { path: "src/math.js" });
    expect(all.refused).toBeUndefined();
    expect(all.text).toBe("1\texport const add = (a, b) => a - b;\n2\texport const two = 2;\n3\texport const two2 = 2;");
    const two = await call("read_file", { path: "src/math.js", start_line: 2, end_line: 2 });
    expect(two.text).toBe("2\texport const two = 2;");
  });

  it("read_file says when it cut a long file", async () => {
    writeFileSync(join(root, "long.txt"), Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`).join("\n"));
    const result = await call("read_file", { path: "long.txt" });
    expect(result.text.split("\n")).toHaveLength(401);
    expect(result.text).toContain("[cut: showed lines 1-400 of 1000; call read_file with start_line=401 for more]");
  });

  it("list_files respects .gitignore, shows untracked files, filters by glob and directory", async () => {
    expect((await call("list_files", {})).text.split("\n")).toEqual([".gitignore", "README.md", "notes.txt", "src/math.js"]);
    expect((await call("list_files", { pattern: "*.js" })).text).toBe("src/math.js");
    expect((await call("list_files", { path: "src" })).text).toBe("src/math.js");
  });

  it("search finds literal text as path:line: text, skipping ignored files, and treats regex syntax literally", async () => {
    expect((await call("search", { pattern: "add" })).text.split("\n")).toEqual(["README.md:2: add numbers", "notes.txt:1: untracked add note", "src/math.js:1: export const add = (a, b) => a - b;"]);
    expect((await call("search", { pattern: "(a, b)", path: "src" })).text).toBe("src/math.js:1: export const add = (a, b) => a - b;");
    expect((await call("search", { pattern: "(a+)+$" })).text).toContain("no matches");
  });

  it("edit_file replaces exactly one occurrence", async () => {
    const result = await call("edit_file", { path: "src/math.js", old_text: "a - b", new_text: "a + b" });
    expect(result.refused).toBeUndefined();
    expect(readFileSync(join(root, "src/math.js"), "utf8")).toContain("(a, b) => a + b;");
    expect(readdirSync(join(root, "src"))).toEqual(["math.js"]);
  });

  it("write_file creates parent directories and overwrites", async () => {
    expect((await call("write_file", { path: "lib/deep/new.txt", content: "hello" })).text).toContain("created lib/deep/new.txt");
    expect(readFileSync(join(root, "lib/deep/new.txt"), "utf8")).toBe("hello");
    expect((await call("write_file", { path: "lib/deep/new.txt", content: "again" })).text).toContain("overwrote");
    expect(readFileSync(join(root, "lib/deep/new.txt"), "utf8")).toBe("again");
  });

  it("run executes an allow-listed argv in the workspace", async () => {
    const result = await call("run", { command: ["node", "--version"] });
    expect(result.refused).toBeUndefined();
    expect(result.text).toContain("exit code 0");
    expect(result.text).toContain(process.version);
  });

  it("new_bead calls ctx.newBead and is refused without it", async () => {
    const made: unknown[] = [];
    const withBoard: ToolContext = { ...ctx, newBead: async (input) => (made.push(input), "b-42") };
    expect((await call("new_bead", { title: "Fix docs", body: "They lie", labels: ["docs"] }, withBoard)).text).toBe("created bead b-42: Fix docs");
    expect(made).toEqual([{ title: "Fix docs", body: "They lie", labels: ["docs"] }]);
    expect((await call("new_bead", { title: "x", body: "y" })).refused).toBe(true);
  });

  it("finish returns the reply, with memory and followups defaulted", async () => {
    const result = await call("finish", { result: "Fixed add", outcome: "done" });
    expect(result.finish).toEqual({ result: "Fixed add", outcome: "done", memory: [], followups: [] });
    expect((await call("finish", { result: "  ", outcome: "done" })).refused).toBe(true);
  });

  it("toolDefinitions gives every tool a JSON schema of its parameters", () => {
    const defs = toolDefinitions(TOOL_NAMES);
    expect(defs.map((d) => d.name)).toEqual([...TOOL_NAMES]);
    const read = defs[0]!.parameters as { type: string; required: string[]; properties: Record<string, unknown> };
    expect(read.type).toBe("object");
    expect(read.required).toEqual(["path"]);
    expect(Object.keys(read.properties)).toEqual(["path", "start_line", "end_line"]);
    expect((defs.find((d) => d.name === "finish")!.parameters as { required: string[] }).required).toEqual(["result", "outcome"]);
  });
});

describe("refusals: nothing outside the workspace changes", () => {
  let before: string;
  beforeEach(() => {
    symlinkSync(outside, join(root, "link-out"));
    symlinkSync(join(outside, "secret.txt"), join(root, "secret-link"));
    before = outsideSnapshot();
  });
  afterEach(() => expect(outsideSnapshot()).toBe(before));

  const pathTools: [ToolName, (path: string) => Record<string, unknown>][] = [
    ["read_file", (path) => ({ path })],
    ["list_files", (path) => ({ path })],
    ["search", (path) => ({ pattern: "SECRET", path })],
    ["edit_file", (path) => ({ path, old_text: "TOP", new_text: "NO" })],
    ["write_file", (path) => ({ path, content: "pwned" })],
  ];
  for (const [name, args] of pathTools) {
    it(`${name} refuses absolute paths, ../ escapes, symlink escapes and .git/`, async () => {
      for (const path of [join(outside, "secret.txt"), "../outside/secret.txt", "src/../../outside/secret.txt", "link-out/secret.txt", "secret-link", ".git/config", ".GIT/HEAD", "src/../.git/hooks/pre-commit"]) {
        const result = await call(name, args(path));
        expect(result.refused, `${name} ${path}`).toBe(true);
        expect(result.text).toMatch(/refused path/);
        expect(result.text).not.toContain("TOP SECRET");
      }
    });
  }

  it("search over the whole workspace never follows a symlink out", async () => {
    expect((await call("search", { pattern: "SECRET" })).text).toBe('no matches for "SECRET"');
  });

  it("list_files refuses patterns that climb out, and a missing directory", async () => {
    for (const pattern of ["../*", "/etc/*", "src/../../*"]) expect((await call("list_files", { pattern })).refused, pattern).toBe(true);
    expect((await call("list_files", { path: "nope" })).text).toContain("does not exist");
  });

  it("write_file under a path whose parent is a file is refused, not thrown", async () => {
    const result = await call("write_file", { path: "README.md/x.txt", content: "x" });
    expect(result.refused).toBe(true);
    expect(result.text).toContain("is a file, not a directory");
  });

  it("run stops at once when the agent's signal aborts (lease lost, SIGTERM)", async () => {
    const forever = ["node", "-e", "setInterval(() => {}, 1000)"];
    const controller = new AbortController();
    const running = HARNESS_TOOLS.run.run({ command: forever }, { ...ctx, allow: [forever], signal: controller.signal });
    controller.abort(new Error("lease lost"));
    await expect(running).rejects.toThrow("lease lost");
  });

  it("write_file under .git/ and through a symlinked directory writes nothing", async () => {
    expect((await call("write_file", { path: ".git/hooks/post-checkout", content: "#!/bin/sh\n" })).refused).toBe(true);
    expect(existsSync(join(root, ".git/hooks/post-checkout"))).toBe(false);
    expect((await call("write_file", { path: "link-out/new/file.txt", content: "x" })).refused).toBe(true);
    expect(existsSync(join(outside, "new"))).toBe(false);
  });

  it("read_file refuses a directory and a FIFO (which would block a plain read forever)", async () => {
    expect((await call("read_file", { path: "src" })).text).toContain("not a regular file (a directory)");
    execFileSync("mkfifo", [join(root, "pipe")]);
    symlinkSync("pipe", join(root, "pipe-link"));
    for (const path of ["pipe", "pipe-link"]) expect((await call("read_file", { path })).text).toContain("not a regular file (a FIFO)");
    expect((await call("edit_file", { path: "pipe", old_text: "a", new_text: "b" })).refused).toBe(true);
    expect((await call("write_file", { path: "pipe", content: "b" })).refused).toBe(true);
    expect((await call("search", { pattern: "a" })).refused).toBeUndefined();
    expect((await call("read_file", { path: "missing.txt" })).text).toContain("does not exist");
  });

  it("edit_file with 0 or 2 matches changes nothing and says how many", async () => {
    const original = readFileSync(join(root, "src/math.js"), "utf8");
    const none = await call("edit_file", { path: "src/math.js", old_text: "multiply", new_text: "x" });
    expect(none.refused).toBe(true);
    expect(none.text).toContain("matches 0 times");
    const two = await call("edit_file", { path: "src/math.js", old_text: "= 2;", new_text: "= 3;" });
    expect(two.refused).toBe(true);
    expect(two.text).toContain("matches 2 times");
    expect(readFileSync(join(root, "src/math.js"), "utf8")).toBe(original);
  });

  it("run refuses a program that is not allow-listed", async () => {
    const result = await call("run", { command: ["rm", "-rf", "src"] });
    expect(result.refused).toBe(true);
    expect(result.text).toContain('program "rm" is not allowed');
    expect(existsSync(join(root, "src/math.js"))).toBe(true);
  });

  it("run never hands argv to a shell: metacharacters are refused and nothing runs", async () => {
    for (const command of [["echo", "hi;", "touch", "pwned"], ["echo", "$(touch pwned)"], ["echo", "`touch pwned`"], ["echo", "a|touch", "pwned"]]) {
      const result = await call("run", { command });
      expect(result.refused, command.join(" ")).toBe(true);
      expect(result.text).toContain("metacharacters");
    }
    expect(existsSync(join(root, "pwned"))).toBe(false);
  });

  it("run caps 10 MB of output", async () => {
    const flood = ["node", "-e", "process.stdout.write('x'.repeat(10 * 1024 * 1024))"];
    const result = await HARNESS_TOOLS.run.run({ command: flood }, { ...ctx, allow: [flood] });
    expect(result.text).toContain("exit code 0");
    expect(result.text).toMatch(/\[output truncated: \d+ more bytes not shown\]/);
    expect(result.text.length).toBeLessThan(40 * 1024);
  });

  it("run kills a command that never ends at the timeout", async () => {
    const forever = ["node", "-e", "setInterval(() => {}, 1000)"];
    const result = await makeRunTool({ timeoutMs: 300 }).run({ command: forever }, { ...ctx, allow: [forever] });
    expect(result.text).toContain("timed out after 300 ms");
    expect(result.text).toContain("killed");
  });

  it("run gets no tokens or keys from the environment", async () => {
    process.env.BEADBOARD_TEST_TOKEN = "sk-should-not-leak";
    try {
      const env = ["node", "-e", "console.log(JSON.stringify(Object.keys(process.env)))"];
      const result = await HARNESS_TOOLS.run.run({ command: env }, { ...ctx, allow: [env] });
      expect(result.text).not.toContain("BEADBOARD_TEST_TOKEN");
      expect(result.text).toContain("PATH");
    } finally {
      delete process.env.BEADBOARD_TEST_TOKEN;
    }
  });

  it("malformed arguments are refused with a readable message, for every tool", async () => {
    const bad: Record<ToolName, unknown> = {
      read_file: { path: 42 },
      list_files: { pattern: "" },
      search: {},
      edit_file: { path: "src/math.js", old_text: "a - b" },
      write_file: { path: "x.txt", content: "x".repeat(1024 * 1024 + 1) },
      run: { command: "rm -rf /" },
      new_bead: { title: "", body: "b" },
      finish: { result: "r", outcome: "maybe" },
    };
    for (const name of TOOL_NAMES) {
      const result = await call(name, bad[name], { ...ctx, newBead: async () => "never" });
      expect(result.refused, name).toBe(true);
      expect(result.text, name).toContain(`${name}: invalid arguments`);
    }
    for (const input of [null, "just a string", [1, 2], undefined]) expect((await call("read_file", input)).refused).toBe(true);
    expect(existsSync(join(root, "x.txt"))).toBe(false);
  });
});

describe("docs/TOOLS.md", () => {
  it("documents every tool and every parameter its schema has", () => {
    const doc = readFileSync(join(import.meta.dirname, "../../docs/TOOLS.md"), "utf8");
    for (const def of toolDefinitions(TOOL_NAMES)) {
      const section = doc.split(`### ${def.name}\n`)[1]?.split("\n### ")[0];
      expect(section, def.name).toBeDefined();
      for (const param of Object.keys((def.parameters as { properties: Record<string, unknown> }).properties)) expect(section, `${def.name}.${param}`).toContain(`\`${param}\``);
    }
  });
});
