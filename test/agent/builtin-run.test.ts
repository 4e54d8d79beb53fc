/**
 * The builtin `run` and `write` actions, worked by `bead up --once` on real boards: zero model
 * calls, commands only from the agent file's allow-list, and every bypass refused with its
 * reason as the bead's result.
 */
import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { beadFile, builtinFile, makeRig, type Rig } from "./policy-support.js";

let rig: Rig | undefined;
const outside = realpathSync(mkdtempSync(join(tmpdir(), "bb-outside-")));
writeFileSync(join(outside, "secret.txt"), "outside the board\n");
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const runner = builtinFile("runner", "run", ["allow: [[echo], [ls], [printenv], [node, --version], [git, status]]"]);
const status = (id: string) => /^status: (\w+)$/m.exec(rig?.board.read(`beads/${id}.md`) ?? "")?.[1];
const result = (id: string) => (rig?.board.read(`beads/${id}.md`) ?? "").split("## Result")[1] ?? "";

describe("builtin run", () => {
  it("runs an allow-listed argv in the board, no shell, output captured as the result, zero model calls", async () => {
    rig = await makeRig(() => ({
      "agents/runner.md": runner,
      "beads/bb-echo.md": beadFile(["title: Say hello", "run: [echo, hello, world]"]),
      "beads/bb-ls.md": beadFile(["title: List the beads", "run: [ls, beads]"]),
      "beads/bb-fail.md": beadFile(["title: Status outside a repo path", "run: [ls, no-such-dir]"]),
    }));
    await rig.run();
    expect(status("bb-echo")).toBe("done");
    expect(result("bb-echo")).toMatch(/`echo hello world` finished \(exit code 0\)/);
    expect(result("bb-echo")).toContain("hello world");
    expect(result("bb-ls")).toContain("bb-echo.md");
    expect(status("bb-fail")).toBe("failed");
    expect(result("bb-fail")).toMatch(/exit code [12]/);
    expect(rig.board.read("beads/bb-echo.md")).toMatch(/^agent: runner$/m); // routed by its run: field
    expect(rig.subjects()).toContain("route bb-echo -> runner (run: builtin)");
    expect(rig.local.requests).toEqual([]);
    expect(rig.remote.requests).toEqual([]);
    expect(rig.metrics().filter((m) => m.event === "model_call")).toEqual([]);
  });

  it("refuses every bypass attempt, with the reason as the result and status failed", async () => {
    rig = await makeRig(() => ({
      "agents/runner.md": runner,
      "beads/b-semi.md": beadFile(["title: t1", "run: [echo, 'hi; rm -rf beads']"]),
      "beads/b-pipe.md": beadFile(["title: t2", "run: [echo, 'x|sh']"]),
      "beads/b-subst.md": beadFile(["title: t3", "run: [echo, '$(id)']"]),
      "beads/b-line.md": beadFile(["title: t4", "run: 'echo hi && rm -rf /'"]),
      "beads/b-sh.md": beadFile(["title: t5", "run: [sh, -c, 'echo pwned']"]),
      "beads/b-dotdot.md": beadFile(["title: t6", "run: [ls, ../]"]),
      "beads/b-dotdot2.md": beadFile(["title: t7", "run: [ls, beads/../../etc]"]),
      "beads/b-abs.md": beadFile(["title: t8", "run: [ls, /etc]"]),
      "beads/b-link.md": beadFile(["title: t9", "run: [ls, escape]"]),
      "beads/b-link2.md": beadFile(["title: t10", "run: [ls, escape/secret.txt]"]),
      "beads/b-env.md": beadFile(["title: t11", "run: [env, LD_PRELOAD=/tmp/x.so, ls]"]),
      "beads/b-envarg.md": beadFile(["title: t12", "run: [node, --version, NODE_OPTIONS=--require=/tmp/x.js]"]),
      "beads/b-path.md": beadFile(["title: t13", "run: [/bin/echo, hi]"]),
      "beads/b-gitcfg.md": beadFile(["title: t14", "run: [git, -c, core.pager=sh, status]"]),
      "beads/b-prefix.md": beadFile(["title: t15", "run: [node, -e, 'process.exit(0)']"]),
    }));
    symlinkSync(outside, join(rig.board.dir, "escape"));
    await rig.run();
    const expectations: Record<string, RegExp> = {
      "b-semi": /shell metacharacters/,
      "b-pipe": /shell metacharacters/,
      "b-subst": /shell metacharacters/,
      "b-line": /must be a list of arguments/,
      "b-sh": /program "sh" is not allowed/,
      "b-dotdot": /"\.\." path segment/,
      "b-dotdot2": /"\.\." path segment/,
      "b-abs": /absolute path/,
      "b-link": /resolves outside the board \(through a symlink\)/,
      "b-link2": /resolves outside the board/,
      "b-env": /program "env" is not allowed/,
      "b-envarg": /absolute path/,
      "b-path": /program "\/bin\/echo" is not allowed/,
      "b-gitcfg": /does not start with an allowed command/,
      "b-prefix": /does not start with an allowed command/,
    };
    for (const [id, reason] of Object.entries(expectations)) {
      expect(status(id), id).toBe("failed");
      expect(result(id), id).toMatch(/Refused to run/);
      expect(result(id), id).toMatch(reason);
      expect(result(id), id).toContain("Nothing was run");
      expect(rig.board.read(`beads/${id}.md`), id).toMatch(/^reason: ["']?run refused: /m);
    }
    expect(rig.board.read("beads/b-semi.md")).not.toMatch(/^hi$/m);
    expect(rig.board.git(["ls-files", "beads"]).split("\n").filter(Boolean)).toHaveLength(15); // nothing deleted
  });

  it("ignores anything a bead says about the environment: the child gets PATH only", async () => {
    rig = await makeRig(() => ({
      "agents/runner.md": runner,
      "beads/bb-env.md": beadFile(["title: Print the environment", "run: [printenv]", "env: { LD_PRELOAD: /tmp/evil.so, NODE_OPTIONS: --require=/tmp/x }"]),
    }));
    await rig.run();
    expect(status("bb-env")).toBe("done");
    const out = result("bb-env");
    expect(out).toMatch(/^PATH=/m);
    expect(out).not.toMatch(/LD_PRELOAD|NODE_OPTIONS|GIT_|HOME=/);
  });

  it("an agent file with nothing allow-listed runs nothing", async () => {
    rig = await makeRig(() => ({
      "agents/runner.md": builtinFile("runner", "run"),
      "beads/bb-x.md": beadFile(["title: Say hello", "run: [echo, hi]"]),
    }));
    await rig.run();
    expect(status("bb-x")).toBe("failed");
    expect(result("bb-x")).toMatch(/program "echo" is not allowed \(allowed: nothing\)/);
  });
});

describe("builtin write", () => {
  const writer = builtinFile("scribe", "write", ["paths: [docs, config, escape, .vscode, .github, tools]"]);

  it("writes a file inside the board as a commit, content from front-matter or the body's code block", async () => {
    rig = await makeRig(() => ({
      "agents/scribe.md": writer,
      "beads/bb-w1.md": beadFile(["title: Write notes", "write: { path: docs/notes.md, content: \"# Notes\\n\" }"]),
      "beads/bb-w2.md": beadFile(["title: Write config", "write: config/app.json"], "Here:\n\n```json\n{ \"a\": 1 }\n```\n"),
    }));
    await rig.run();
    expect(status("bb-w1")).toBe("done");
    expect(rig.board.read("docs/notes.md")).toBe("# Notes\n");
    expect(rig.board.read("config/app.json")).toBe('{ "a": 1 }\n');
    expect(rig.subjects()).toEqual(expect.arrayContaining(["write docs/notes.md (bb-w1)", "write config/app.json (bb-w2)", "done bb-w1"]));
    expect(rig.board.git(["status", "--porcelain"]).trim()).toBe("");
    expect(rig.local.requests).toEqual([]);
  });

  it("refuses paths outside the board, git's files, the files that steer agents, symlinks, and unsaved work", async () => {
    rig = await makeRig(() => ({
      "agents/scribe.md": writer,
      "docs/draft.md": "committed\n",
      "beads/w-dotdot.md": beadFile(["title: t1", "write: { path: ../evil.md, content: x }"]),
      "beads/w-abs.md": beadFile(["title: t2", "write: { path: /tmp/evil.md, content: x }"]),
      "beads/w-git.md": beadFile(["title: t3", "write: { path: .git/hooks/pre-commit, content: x }"]),
      "beads/w-gitattr.md": beadFile(["title: t4", "write: { path: .gitattributes, content: x }"]),
      "beads/w-agent.md": beadFile(["title: t5", "write: { path: agents/scribe.md, content: x }"]),
      "beads/w-bead.md": beadFile(["title: t6", "write: { path: beads/w-abs.md, content: x }"]),
      "beads/w-config.md": beadFile(["title: t7", "write: { path: .beadboard.yml, content: 'local_only: false' }"]),
      "beads/w-link.md": beadFile(["title: t8", "write: { path: escape/new.txt, content: x }"]),
      "beads/w-unsaved.md": beadFile(["title: t9", "write: { path: docs/draft.md, content: x }"]),
      "beads/w-nocontent.md": beadFile(["title: t10", "write: docs/empty.md"]),
    }));
    symlinkSync(outside, join(rig.board.dir, "escape"));
    writeFileSync(join(rig.board.dir, "docs/draft.md"), "a person's unsaved edit\n");
    await rig.run();
    const expectations: Record<string, RegExp> = {
      "w-dotdot": /"\.\." segment/,
      "w-abs": /absolute/,
      "w-git": /git's/,
      "w-gitattr": /git's/,
      "w-agent": /agents\/ steers the board/,
      "w-bead": /beads\/ steers the board/,
      "w-config": /\.beadboard\.yml steers the board/,
      "w-link": /escape is a symlink/,
      "w-unsaved": /changes that are not committed/,
      "w-nocontent": /no content/,
    };
    for (const [id, reason] of Object.entries(expectations)) {
      expect(status(id), id).toBe("failed");
      expect(result(id), id).toMatch(/Refused to write/);
      expect(result(id), id).toMatch(reason);
    }
    expect(rig.board.read("docs/draft.md")).toBe("a person's unsaved edit\n");
    expect(rig.board.read("agents/scribe.md")).toBe(writer);
    expect(() => rig?.board.read("escape/new.txt")).toThrow();
    rmSync(join(outside, "new.txt"), { force: true });
  });

  it("writes nothing without paths:, and never a file that configures what run executes unless paths: names it exactly", async () => {
    rig = await makeRig(() => ({
      "agents/scribe.md": writer,
      "agents/loose.md": builtinFile("loose", "write"),
      "agents/pkg.md": builtinFile("pkg", "write", ["paths: [package.json]"]),
      "beads/l-any.md": beadFile(["title: l", "agent: loose", "write: { path: docs/a.md, content: x }"]),
      "beads/r-pkg.md": beadFile(["title: r1", "agent: scribe", "write: { path: config/package.json, content: x }"]),
      "beads/r-npmrc.md": beadFile(["title: r2", "agent: scribe", "write: { path: docs/.npmrc, content: x }"]),
      "beads/r-tasks.md": beadFile(["title: r3", "agent: scribe", "write: { path: .vscode/tasks.json, content: x }"]),
      "beads/r-ci.md": beadFile(["title: r4", "agent: scribe", "write: { path: .github/workflows/ci.yml, content: x }"]),
      "beads/r-make.md": beadFile(["title: r5", "agent: scribe", "write: { path: tools/Makefile, content: x }"]),
      "beads/r-vitest.md": beadFile(["title: r6", "agent: scribe", "write: { path: config/vitest.config.ts, content: x }"]),
      "beads/p-ok.md": beadFile(["title: p", "agent: pkg", "write: { path: package.json, content: \"{}\" }"]),
    }));
    await rig.run();
    expect(status("l-any")).toBe("failed");
    expect(result("l-any")).toMatch(/agents\/loose\.md has no paths:/);
    for (const id of ["r-pkg", "r-npmrc", "r-tasks", "r-ci", "r-make", "r-vitest"]) {
      expect(status(id), id).toBe("failed");
      expect(result(id), id).toMatch(id === "r-ci" ? /git.s \(\.git/ : /configures what commands run/);
    }
    expect(status("p-ok")).toBe("done");
    expect(rig.board.read("package.json")).toBe("{}");
  });
});
