/**
 * `run` bypass attempts (issue 14, item 6): a table of every form in which an argument can
 * name a path outside the board. Each must be refused; the ordinary forms must still pass.
 * One row is also run for real to prove the refused write never happens.
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkRunAllowed, pathCandidates, runAllowed, type RunPolicy } from "../../src/policy/run.js";

const root = realpathSync(mkdtempSync(join(tmpdir(), "bb-bypass-")));
const board = join(root, "board");
const outside = join(root, "outside");
mkdirSync(join(board, "docs"), { recursive: true });
mkdirSync(outside);
writeFileSync(join(board, "docs", "in.txt"), "b\na\n");
symlinkSync(outside, join(board, "out"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const policy: RunPolicy = { allow: [["sort"], ["npm", "test"], ["git", "log"]], cwd: board, timeoutMs: 10_000 };
const target = join(outside, "written");

const BYPASSES: string[][] = [
  ["sort", `-o${target}`, "docs/in.txt"], // attached short option
  ["sort", `-uo${target}`, "docs/in.txt"], // bundled short options, value attached
  ["sort", `-mruo${target}`, "docs/in.txt"],
  ["sort", `--output=${target}`, "docs/in.txt"], // long option with =
  ["sort", `--output:${target}`],
  ["sort", `-T${outside}`],
  ["sort", "-o../outside/written"], // relative escape attached
  ["sort", "-uo../x"],
  ["sort", "--output=docs/../../outside/x"],
  ["sort", "-ooout/written"], // through a symlink inside the board, attached
  ["sort", "--output=out/written"],
  ["sort", "out/written"],
  ["sort", `-Dk=v,${target}`], // after a comma
  ["sort", "-o//host/share"],
  ["sort", "-oC:/Windows/x"],
  ["sort", "A:"], // drive-relative on Windows (found by the fuzz test, seed 1630056283)
  ["sort", "--output=C:x"],
  ["npm", "test", "--", `--prefix=${outside}`],
  ["npm", "test", `--cache=${outside}`],
  ["git", "log", `--output=${target}`],
  ["git", "log", `-o${target}`],
];

const ORDINARY: string[][] = [
  ["sort", "docs/in.txt"],
  ["sort", "-u", "-o", "docs/sorted.txt", "docs/in.txt"],
  ["sort", "--output=docs/sorted.txt", "docs/in.txt"],
  ["npm", "test", "--", "--reporter=dot"],
  ["git", "log", "-n5", "--oneline", "--since=2020-01-01"],
];

describe("run: bypass attempts", () => {
  it.each(BYPASSES.map((argv) => [argv.join(" "), argv]))("refuses %s", (_name, argv) => {
    const check = checkRunAllowed(argv as string[], policy);
    expect(check.allowed).toBe(false);
  });

  it.each(ORDINARY.map((argv) => [argv.join(" "), argv]))("allows %s", (_name, argv) => {
    expect(checkRunAllowed(argv as string[], policy)).toEqual({ allowed: true });
  });

  it("reads every suffix of an option and every piece after = : , as a path", () => {
    expect(pathCandidates("-uo/x")).toEqual(["-uo/x", "uo/x", "o/x", "/x"]);
    expect(pathCandidates("--out=x")).toEqual(["--out=x", "x"]);
    expect(pathCandidates("a=b,c")).toEqual(["a=b,c", "b,c", "c"]);
  });

  it("the refused bundled form writes nothing outside the board when tried for real", async () => {
    await expect(runAllowed({ command: ["sort", `-uo${target}`, "docs/in.txt"] }, policy)).rejects.toThrow(/absolute path/);
    expect(existsSync(target)).toBe(false);
    const ok = await runAllowed({ command: ["sort", "-u", "-o", "docs/sorted.txt", "docs/in.txt"] }, policy);
    expect(ok.exitCode).toBe(0);
    expect(existsSync(join(board, "docs", "sorted.txt"))).toBe(true);
  });
});
