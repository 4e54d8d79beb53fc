import { utimesSync, writeFileSync, unlinkSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { boardPaths } from "../../src/board/paths.js";
import { cachedQuery as cachedQueryBytes } from "../../src/board/query-cache.js";
import type { BoardPaths } from "../../src/board/paths.js";
import type { Board } from "../../src/board/load.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

/** The stored answer comes back as bytes, ready for stdout; these tests compare text. */
async function cachedQuery(paths: BoardPaths, query: string, compute: (board: Board) => string): Promise<string> {
  return (await cachedQueryBytes(paths, query, compute)).toString("utf8");
}

const bead = (title: string) => `---\ntitle: ${title}\n---\n`;

/** Stat data of files saved long ago can be trusted; make the board look like that. */
function age(dir: string, seconds = 60): void {
  const then = new Date(Date.now() - seconds * 1000);
  for (const name of readdirSync(join(dir, "beads"))) utimesSync(join(dir, "beads", name), then, then);
}

describe("cachedQuery", () => {
  it("answers a repeated query on an unchanged board without computing it again", async () => {
    const board = await makeTempBoard({ "beads/a.md": bead("A"), "beads/b.md": bead("B") });
    age(board.dir);
    const paths = boardPaths(board.dir);
    let computed = 0;
    const titles = (b: Board) => {
      computed++;
      return b.beads.map((x) => x.fields.title).join(",");
    };
    expect(await cachedQuery(paths, "titles", titles)).toBe("A,B");
    expect(await cachedQuery(paths, "titles", titles)).toBe("A,B");
    expect(computed).toBe(1);
    expect(await cachedQuery(paths, "other query", titles)).toBe("A,B");
    expect(computed).toBe(2);
  });

  it("never serves an answer stored by another build (an upgrade changes what ls renders)", async () => {
    const board = await makeTempBoard({ "beads/a.md": bead("A") });
    age(board.dir);
    const paths = boardPaths(board.dir);
    const build = globalThis as { __BEAD_BUILD__?: string };
    try {
      build.__BEAD_BUILD__ = "0.1.0+old";
      expect(await cachedQuery(paths, "titles", () => "old format")).toBe("old format");
      expect(await cachedQuery(paths, "titles", () => "never asked")).toBe("old format");
      build.__BEAD_BUILD__ = "0.2.0+new";
      expect(await cachedQuery(paths, "titles", () => "new format")).toBe("new format");
    } finally {
      delete build.__BEAD_BUILD__;
    }
  });

  it("sees every change to the bead files: an edit, a new file, a deleted file", async () => {
    const board = await makeTempBoard({ "beads/a.md": bead("A"), "beads/b.md": bead("B") });
    age(board.dir);
    const paths = boardPaths(board.dir);
    const titles = (b: Board) => b.beads.map((x) => x.fields.title).join(",");
    expect(await cachedQuery(paths, "titles", titles)).toBe("A,B");
    writeFileSync(join(board.dir, "beads/a.md"), bead("A2"));
    age(board.dir, 30);
    expect(await cachedQuery(paths, "titles", titles)).toBe("A2,B");
    writeFileSync(join(board.dir, "beads/c.md"), bead("C"));
    age(board.dir, 20);
    expect(await cachedQuery(paths, "titles", titles)).toBe("A2,B,C");
    unlinkSync(join(board.dir, "beads/b.md"));
    expect(await cachedQuery(paths, "titles", titles)).toBe("A2,C");
  });

  it("never stores an answer while a file is too freshly saved to trust its stat data", async () => {
    const board = await makeTempBoard({ "beads/a.md": bead("A") });
    const paths = boardPaths(board.dir);
    let computed = 0;
    const count = (b: Board) => {
      computed++;
      return String(b.beads.length);
    };
    await cachedQuery(paths, "count", count);
    await cachedQuery(paths, "count", count);
    expect(computed).toBe(2);
    expect(readdirSync(paths.stateDir).some((name) => name.startsWith("query-"))).toBe(false);
    expect(existsSync(paths.stateDir)).toBe(true);
  });
});
