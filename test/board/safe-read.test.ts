/**
 * Every board read refuses links and non-regular files, never blocks, never reads past its
 * bound (issue 14, items 1 and 8). Real symlinks and FIFOs in real temp repos.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadAgents } from "../../src/agent/load.js";
import { readMemory } from "../../src/agent/memory-writer.js";
import { readBoardConfig } from "../../src/board/config.js";
import { readBoardFileBytes } from "../../src/board/safe-read.js";
import { findBoard } from "../../src/board/paths.js";
import { ParseError } from "../../src/errors.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard, type CliBoard } from "../cli/support.js";

const outside: string[] = [];
afterEach(async () => {
  await cleanupTempBoards();
  for (const dir of outside.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A secret file outside every board, the target of hostile links. */
function secretOutside(): string {
  const dir = mkdtempSync(join(tmpdir(), "bb-outside-"));
  outside.push(dir);
  const file = join(dir, "secret.txt");
  writeFileSync(file, beadText(["title: Outside secret"], "TOPSECRET-CONTENT\n"));
  return file;
}

async function hostileBoard(): Promise<CliBoard> {
  const b = await cliBoard({ "beads/ok.md": beadText(["title: Fine"]), "agents/.keep": "" });
  const secret = secretOutside();
  symlinkSync(secret, join(b.dir, "beads/link.md"));
  symlinkSync("/dev/zero", join(b.dir, "beads/zero.md"));
  execFileSync("mkfifo", [join(b.dir, "beads/pipe.md")]);
  mkdirSync(join(b.dir, "beads/dir.md"));
  symlinkSync(secret, join(b.dir, "agents/spy.md"));
  execFileSync("mkfifo", [join(b.dir, "agents/pipe.md")]);
  return b;
}

describe("readBoardFileBytes", () => {
  it("reads a regular file, and refuses a link, a FIFO, a directory and a device link with a ParseError naming the board path", async () => {
    const b = await hostileBoard();
    expect(readBoardFileBytes(join(b.dir, "beads/ok.md"), "beads/ok.md").toString()).toContain("title: Fine");
    const cases: Array<[string, RegExp]> = [
      ["beads/link.md", /symbolic link/],
      ["beads/zero.md", /symbolic link/],
      ["beads/pipe.md", /named pipe/],
      ["beads/dir.md", /directory/],
    ];
    for (const [rel, kind] of cases) {
      let caught: unknown;
      try {
        readBoardFileBytes(join(b.dir, rel), rel);
      } catch (error) {
        caught = error;
      }
      expect(caught, rel).toBeInstanceOf(ParseError);
      expect((caught as ParseError).file).toBe(rel);
      expect((caught as ParseError).reason).toMatch(kind);
    }
  });

  it("refuses a file over the bound without reading it whole, and passes ENOENT through", async () => {
    const b = await cliBoard({ "beads/big.md": "x".repeat(2048) });
    expect(() => readBoardFileBytes(join(b.dir, "beads/big.md"), "beads/big.md", 1024)).toThrow(/may be at most/);
    expect(readBoardFileBytes(join(b.dir, "beads/big.md"), "beads/big.md", 4096).length).toBe(2048);
    let code: unknown;
    try {
      readBoardFileBytes(join(b.dir, "beads/none.md"), "beads/none.md");
    } catch (error) {
      code = (error as NodeJS.ErrnoException).code;
    }
    expect(code).toBe("ENOENT");
  });
});

describe("hostile files on a board", () => {
  it("bead lint names every link, FIFO, directory and device link in beads/ and agents/, without blocking", async () => {
    const b = await hostileBoard();
    const run = await b.bead(["lint", "--json"]);
    expect(run.code).not.toBe(0);
    const problems = JSON.parse(run.stdout) as Array<{ path: string; reason: string }>;
    const paths = problems.map((problem) => problem.path).sort();
    expect(paths).toEqual(["agents/pipe.md", "agents/spy.md", "beads/dir.md", "beads/link.md", "beads/pipe.md", "beads/zero.md"]);
    expect(run.stdout).not.toContain("TOPSECRET");
  });

  it("bead ls lists the good bead and never shows what a link points at; show on a FIFO fails at once naming it", async () => {
    const b = await hostileBoard();
    const ls = await b.bead(["ls", "--json"]);
    expect(ls.code).toBe(0);
    expect((JSON.parse(ls.stdout) as Array<{ id: string }>).map((bead) => bead.id)).toEqual(["ok"]);
    expect(ls.stdout + ls.stderr).not.toContain("TOPSECRET");
    const show = await b.bead(["show", "pipe"]);
    expect(show.code).not.toBe(0);
    expect(show.stderr).toContain("beads/pipe.md");
    const set = await b.bead(["set", "link", "priority=1"]);
    expect(set.code).not.toBe(0);
    expect(set.stderr).toContain("beads/link.md");
  });

  it("agents: a linked agent file is a problem, not an agent", async () => {
    const b = await hostileBoard();
    const loaded = loadAgents(findBoard(b.dir));
    expect(loaded.agents).toEqual([]);
    expect(loaded.problems.map((problem) => problem.file).sort()).toEqual(["agents/pipe.md", "agents/spy.md"]);
  });

  it("memory and config: a linked MEMORY.md or .beadboard.yml is refused, never read", async () => {
    const b = await cliBoard({ "beads/ok.md": beadText(["title: Fine"]) });
    const secret = secretOutside();
    mkdirSync(join(b.dir, "memory"), { recursive: true });
    symlinkSync(secret, join(b.dir, "memory/MEMORY.md"));
    execFileSync("mkfifo", [join(b.dir, "memory/coder.md")]);
    symlinkSync(secret, join(b.dir, ".beadboard.yml"));
    const paths = findBoard(b.dir);
    const ctx = { paths } as Parameters<typeof readMemory>[0];
    expect(() => readMemory(ctx, "memory/MEMORY.md")).toThrow(/memory\/MEMORY\.md.*symbolic link/);
    expect(() => readMemory(ctx, "memory/coder.md")).toThrow(/named pipe/);
    expect(readMemory(ctx, "memory/absent.md")).toBe("");
    await expect(readBoardConfig(paths.configFile)).rejects.toThrow(/\.beadboard\.yml.*symbolic link/);
  });
});
