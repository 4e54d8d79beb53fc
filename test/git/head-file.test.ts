import { afterEach, describe, expect, it } from "vitest";
import { readHeadFile } from "../../src/git/head-file.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";
import { join } from "node:path";

afterEach(cleanupTempBoards);

const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString("utf8"));

describe("readHeadFile", () => {
  it("reads a file of the branch tip from loose objects, and from packs after git gc", async () => {
    const board = await makeTempBoard({ "beads/a.md": "---\ntitle: A\n---\n", "beads/b.md": "---\ntitle: B\n---\n" });
    const gitdir = join(board.dir, ".git");
    board.write("beads/a.md", "---\ntitle: changed but not committed\n---\n");
    expect(text(await readHeadFile(board.dir, gitdir, "beads/a.md"))).toBe("---\ntitle: A\n---\n");
    expect(await readHeadFile(board.dir, gitdir, "beads/missing.md")).toBeNull();
    expect(await readHeadFile(board.dir, gitdir, "beads")).toBeNull();
    expect(await readHeadFile(board.dir, gitdir, "beads/a.md/x")).toBeNull();
    board.git(["gc", "-q"]);
    expect(text(await readHeadFile(board.dir, gitdir, "beads/b.md"))).toBe("---\ntitle: B\n---\n");
    expect(await readHeadFile(board.dir, gitdir, "beads/missing.md")).toBeNull();
  });

  it("is null on a branch with no commits yet", async () => {
    const board = await makeTempBoard({}, { commit: false });
    expect(await readHeadFile(board.dir, join(board.dir, ".git"), "beads/a.md")).toBeNull();
  });
});
