/**
 * Property checks over hostile inputs (issue 14): bead files, agent files and tool arguments.
 * Shared by the fast unit run and the 10,000-case system run; `runs` scales every property.
 * Properties: no crash other than the product's own errors, no case over 1 s, nothing
 * outside the board touched (a sentinel directory outside is checked after every case).
 */
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import fc from "fast-check";
import { expect } from "vitest";
import { parseAgent } from "../../src/agent/parse.js";
import { pathProblem } from "../../src/agent/builtin/write.js";
import { decodeBeadBytes } from "../../src/bead/parse.js";
import { readBeadEntry } from "../../src/board/read-bead.js";
import { checkBoardFileContent } from "../../src/board/validate-write.js";
import { BeadboardError } from "../../src/errors.js";
import { checkRunAllowed, type RunPolicy } from "../../src/policy/run.js";

export interface FuzzWorld {
  board: string;
  outside: string;
  cleanup(): void;
}

export function makeWorld(): FuzzWorld {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "bb-fuzz-")));
  const board = join(root, "board");
  const outside = join(root, "outside");
  mkdirSync(join(board, "beads"), { recursive: true });
  mkdirSync(join(board, "docs"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, "sentinel"), "untouched");
  symlinkSync(outside, join(board, "out"));
  return { board, outside, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

function outsideUntouched(world: FuzzWorld): void {
  expect(readdirSync(world.outside)).toEqual(["sentinel"]);
}

/** Product errors are fine; anything else (TypeError, RangeError, a hang) is a bug. */
function onlyOwnErrors(run: () => unknown): void {
  const started = performance.now();
  try {
    run();
  } catch (error) {
    if (!(error instanceof BeadboardError)) throw error;
  }
  expect(performance.now() - started).toBeLessThan(1000);
}

const yamlish = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.stringMatching(/^---\n(?:[a-z_]{1,12}: .{0,40}\n){0,8}---\n.{0,80}$/),
  fc.constantFrom("---\na: &a [*a]\n---\n", "---\ntitle: x\ntitle: y\n---\n", "---\n!!js/function f\n---\n", "---\ntitle: \"\\0\"\n---\n", "\uFEFF---\ntitle: t\n---\n"),
);

const pathish = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("/etc/passwd", "../x", "out/x", "docs/../../x", "//host/x", "C:/x", "~/.ssh", "docs/a", "-o/etc/x", "-uo../x", "--out=/x", "--o=out/x", "a,/x", "k:/x"),
  fc.tuple(fc.constantFrom("-", "--", "", "-u", "-o"), fc.constantFrom("", "=", ":"), fc.constantFrom("/tmp/z", "../z", "out/z", "docs/z", "z")).map(([a, b, c]) => `${a}${b}${c}`),
);

/** Does `arg`, in any reading, name something outside the board? (The oracle, independent of run.ts's own code.) */
function namesOutside(world: FuzzWorld, arg: string): boolean {
  const pieces = new Set([arg]);
  for (let i = 0; i < arg.length; i++) if ("=:,".includes(arg[i]!)) pieces.add(arg.slice(i + 1));
  // getopt option characters are letters and digits: in `-abc…` any of them may take the rest as its value.
  const bundle = /^-([A-Za-z0-9]+)/.exec(arg);
  if (bundle) for (let i = 1; i <= bundle[1]!.length; i++) pieces.add(arg.slice(i + 1));
  for (const piece of pieces) {
    if (piece === "") continue;
    if (piece.startsWith("/") || /^[A-Za-z]:/.test(piece)) return true;
    const full = resolve(world.board, piece);
    const rel = relative(world.board, full);
    if (rel.startsWith("..")) return true;
    if (rel === "out" || rel.startsWith(`out${sep}`)) return true; // the link out of the board
  }
  return false;
}

export function fuzzBeadFiles(world: FuzzWorld, runs: number): void {
  fc.assert(
    fc.property(fc.oneof(yamlish.map((text) => Buffer.from(text)), fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes))), (bytes) => {
      writeFileSync(join(world.board, "beads", "f.md"), bytes);
      onlyOwnErrors(() => readBeadEntry(join(world.board, "beads"), "f.md", 0));
      onlyOwnErrors(() => checkBoardFileContent("beads/f.md", bytes.toString("utf8")));
      outsideUntouched(world);
    }),
    { numRuns: runs },
  );
}

export function fuzzAgentFiles(world: FuzzWorld, runs: number): void {
  fc.assert(
    fc.property(yamlish, (text) => {
      onlyOwnErrors(() => parseAgent(decodeBeadBytes(Buffer.from(text), "agents/f.md"), "agents/f.md"));
      outsideUntouched(world);
    }),
    { numRuns: runs },
  );
}

export function fuzzRunArguments(world: FuzzWorld, runs: number): void {
  const policy: RunPolicy = { allow: [["sort"]], cwd: world.board, timeoutMs: 1000 };
  fc.assert(
    fc.property(fc.array(pathish, { minLength: 1, maxLength: 4 }), (args) => {
      const started = performance.now();
      const check = checkRunAllowed(["sort", ...args], policy);
      expect(performance.now() - started).toBeLessThan(1000);
      if (check.allowed) for (const arg of args) expect(namesOutside(world, arg), arg).toBe(false);
    }),
    { numRuns: runs },
  );
}

export function fuzzWritePaths(world: FuzzWorld, runs: number): void {
  fc.assert(
    fc.property(pathish, (path) => {
      if (pathProblem(path, ["docs", "out"]) !== undefined) return;
      const rel = relative(world.board, resolve(world.board, path));
      expect(rel.startsWith("..") || resolve(world.board, path) === world.board, path).toBe(false);
    }),
    { numRuns: runs },
  );
}
