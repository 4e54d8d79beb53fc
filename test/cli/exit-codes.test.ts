/**
 * DESIGN §7 exit codes, checked on the real built CLI as an OS process (run `npm run build` first):
 * 0 ok, 1 invalid input or failure, 2 not found, 3 claim refused. Errors go to stderr.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runBeadProcess } from "../helpers/cli.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

const env = { BEAD_ACTOR: "Exit Tester <exit@example.test>", BEAD_HOST: "testhost" };

describe("exit codes of the bead process", () => {
  it("0 for success, with data on stdout and nothing on stderr", async () => {
    const board = await makeTempBoard({ "beads/a.md": beadText(["title: A"]) });
    const ls = await runBeadProcess(["ls", "--json"], { cwd: board.dir, env });
    expect(ls).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(ls.stdout)).toEqual([expect.objectContaining({ id: "a", path: "beads/a.md", title: "A" })]);
    expect(await runBeadProcess(["--version"], { cwd: board.dir, env })).toMatchObject({ code: 0, stdout: "0.1.0\n" });
  });

  it("1 for invalid input, with a plain message on stderr and nothing on stdout", async () => {
    const board = await makeTempBoard({ "beads/a.md": beadText(["title: A"]), "beads/bad.md": beadText(["title: t", "status: doing"]) });
    for (const args of [["set", "a", "nonsense"], ["show", "../a"], ["ls", "--status", "doing"], ["no-such-command"], ["lint"]]) {
      const run = await runBeadProcess(args, { cwd: board.dir, env });
      expect(run.code, args.join(" ")).toBe(1);
      expect(run.stderr, args.join(" ")).not.toBe("");
      expect(run.stderr).not.toMatch(/internal error/);
    }
    const show = await runBeadProcess(["show", "bad"], { cwd: board.dir, env });
    expect(show).toMatchObject({ code: 1, stdout: "", stderr: "bead: beads/bad.md:3: status must be one of open, claimed, done, failed, blocked, cancelled\n" });
  });

  it("2 for a bead that does not exist", async () => {
    const board = await makeTempBoard({ "beads/a.md": beadText(["title: A"]) });
    for (const args of [["show", "ghost"], ["set", "ghost", "priority=1"], ["close", "ghost"], ["dep", "add", "a", "ghost"], ["log", "ghost"]]) {
      const run = await runBeadProcess(args, { cwd: board.dir, env });
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(/not found: ghost/);
    }
  });

  it("3 when a claim is refused, naming the holder", async () => {
    const board = await makeTempBoard({ "beads/a.md": beadText(["title: A"]) });
    expect((await runBeadProcess(["claim", "a", "--as", "alice"], { cwd: board.dir, env })).code).toBe(0);
    const refused = await runBeadProcess(["claim", "a", "--as", "bob"], { cwd: board.dir, env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/cannot claim a: .*alice/);
    const release = await runBeadProcess(["release", "a", "--as", "bob"], { cwd: board.dir, env });
    expect(release.code).toBe(3);
    expect(release.stderr).toMatch(/a is not held by bob.*alice/);
  });

  it("1 outside a git repository", async () => {
    const dir = mkdtempSync(join(tmpdir(), "beadboard-nogit-"));
    try {
      const run = await runBeadProcess(["ls"], { cwd: dir, env: { ...env, GIT_CEILING_DIRECTORIES: tmpdir() } });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/not inside a git repository/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
