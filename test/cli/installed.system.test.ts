/**
 * The `bead` people install is bin/bead.js running the esbuild bundle in dist/bundle/, not the
 * sources the other CLI suites run in-process. Bundling changes how modules load (code
 * splitting, CommonJS interop, paths relative to a module), so this suite walks a whole session
 * through real processes on a board made by `bead init` (it has a .beadboard.yml, hooks and
 * agents) and packed by `git gc` (so commits also take isomorphic-git's path for packed objects).
 * Needs `npm run build` first; `npm test` does it.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { BEAD_BIN, runBeadProcess } from "../helpers/cli.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

// A code cache of our own: the first session compiles and stores, the second runs from the caches.
const cacheDir = mkdtempSync(join(tmpdir(), "bead-installed-cache-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
const env = { BEAD_ACTOR: "Installed Tester <installed@example.test>", BEAD_HOST: "testhost", BEAD_CODE_CACHE_DIR: cacheDir };

describe("the installed bead (bin/bead.js and the bundle)", () => {
  it.each(["without", "with"])("runs a session on an initialised, packed board as the sources do, %s code caches", async (caches) => {
    expect(readdirSync(cacheDir).length > 0).toBe(caches === "with");
    const board = await makeTempBoard({ "README.md": "# project\n" });
    const bead = async (...args: string[]) => {
      const run = await runBeadProcess(args, { cwd: board.dir, env });
      expect(run.stderr, args.join(" ")).not.toMatch(/is not a function|Cannot find|internal error/);
      return run;
    };
    expect((await bead("init", "--prefix", "tt")).code).toBe(0);
    board.git(["gc", "-q"]);

    const created = await bead("new", "Fix the login page", "--label", "ui", "--priority", "1");
    expect(created.code).toBe(0);
    const id = created.stdout.trim();
    expect(id).toMatch(/^tt-[0-9a-z]+$/);
    const second = (await bead("new", "Write the release notes", "--dep", id)).stdout.trim();

    // Values typed as YAML would type them: a number, a flow list, text with a colon.
    expect(await bead("set", id, "priority=0", "labels=[ui, auth]", "title=Fix: the login page")).toMatchObject({ code: 0, stdout: `${id}: updated\n` });
    const shown = JSON.parse((await bead("show", id, "--json")).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ id, title: "Fix: the login page", priority: 0, labels: ["ui", "auth"] });
    expect(board.read(`beads/${id}.md`)).toContain("labels: [ui, auth]");

    expect(JSON.parse((await bead("ready", "--json")).stdout).map((b: { id: string }) => b.id)).toEqual([id]);
    const claim = await bead("claim", id, "--as", "ann", "--json");
    expect(claim.code).toBe(0);
    expect(JSON.parse(claim.stdout)).toMatchObject({ id, holder: "ann@testhost", renewed: false });
    expect((await bead("claim", id, "--as", "bob")).code).toBe(3);
    expect((await bead("release", id, "--as", "ann")).code).toBe(0);
    expect((await bead("close", id, "--reason", "fixed")).code).toBe(0);
    expect(JSON.parse((await bead("ready", "--json")).stdout).map((b: { id: string }) => b.id)).toEqual([second]);
    expect(JSON.parse((await bead("ls", "--json", "--status", "done")).stdout).map((b: { id: string }) => b.id)).toEqual([id]);
    expect((await bead("lint")).code).toBe(0);
    expect((await bead("log", id)).stdout).toMatch(/claim .* by ann/);
    expect((await bead("board")).code).toBe(0);

    expect(board.git(["status", "--porcelain"])).toBe("");
    expect(board.git(["fsck", "--strict", "--no-dangling"])).not.toMatch(/error|missing|broken|bad/i);
    expect(board.git(["log", "--format=%s"]).split("\n").filter(Boolean)).toHaveLength(8);
    expect(readdirSync(cacheDir).map((name) => name.replace(/^.*-/, "")).sort()).toEqual(
      ["board", "claim", "close", "init", "lint", "log", "ls", "new", "ready", "release", "set", "show"].map((command) => `${command}.bin`),
    );
  });

  it("says nothing of a reader that stops early (bead ls | head), and exits 0", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`beads/b-${i}.md`] = `---\ntitle: Bead number ${i} with a title long enough to fill the pipe\n---\n`;
    const board = await makeTempBoard(files);
    for (const args of [["ls"], ["ls", "--json"]]) {
      const child = spawn(process.execPath, [BEAD_BIN, ...args], { cwd: board.dir, env: { ...process.env, ...env } });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      child.stdout.destroy(); // as `head` does once it has its lines
      const code = await new Promise<number | null>((resolve) => child.on("close", (exit) => resolve(exit)));
      expect(code, args.join(" ")).toBe(0);
      expect(stderr, args.join(" ")).toBe("");
    }
  });
});
