import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commitPaths } from "../../src/git/commit-paths.js";
import { emptyIndex, entryBytes, indexEntries, indexKey, makeEntry, parseIndex, serializeIndex, setEntry } from "../../src/git/index-file.js";
import { prepareNativeCommit, type BlobChange } from "../../src/git/native-commit.js";
import { NativeUnsupported } from "../../src/git/objects.js";
import { readRef } from "../../src/git/refs.js";
import { cleanupTempBoards, makeTempBoard, type TempBoard } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

const AUTHOR = { name: "Bead Tester", email: "bead@example.test" };
const OID = "0123456789abcdef0123456789abcdef01234567";
const indexOf = (board: TempBoard) => readFileSync(join(board.dir, ".git", "index"));

function nativeTakes(board: TempBoard, path: string, text: string): boolean {
  const gitdir = join(board.dir, ".git");
  const blobs = new Map<string, BlobChange>([[path, { bytes: Buffer.from(text), mode: "100644" }]]);
  return prepareNativeCommit(board.dir, gitdir, readRef(gitdir, "refs/heads/main"), blobs) !== null;
}

async function commitAndCheck(board: TempBoard, path: string, text: string): Promise<void> {
  board.write(path, text);
  await commitPaths({ root: board.dir, gitdir: join(board.dir, ".git"), changes: [{ path, content: text }], message: `edit ${path}`, author: AUTHOR });
  expect(board.git(["show", `HEAD:${path}`])).toBe(text);
  expect(board.git(["status", "--porcelain"])).toBe("");
  expect(board.git(["diff", "--cached", "--name-only"])).toBe("");
  expect(board.git(["fsck", "--strict", "--no-dangling"])).not.toMatch(/error|missing|broken|bad/i);
}

describe("the git index", () => {
  it("parse -> serialize is byte-identical for an index git wrote without extensions", async () => {
    const board = await makeTempBoard({ "a.md": "a\n", "b/c.md": "c\n", "b-d.md": "d\n", "b.e": "e\n", "ü.md": "u\n" }, { commit: false });
    board.git(["add", "-A"]);
    const data = indexOf(board);
    const index = parseIndex(data);
    expect(index.extensions).toEqual([]);
    expect(indexEntries(index).map((entry) => Buffer.from(entry.key, "latin1").toString("utf8"))).toEqual(["a.md", "b-d.md", "b.e", "b/c.md", "ü.md"]);
    expect(serializeIndex(index).equals(data)).toBe(true);
  });

  it("drops the cache tree (TREE) and keeps every entry as git wrote it", async () => {
    const board = await makeTempBoard({ "a.md": "a\n", "b/c.md": "c\n" });
    const index = parseIndex(indexOf(board));
    expect(index.extensions).toContain("TREE");
    const out = serializeIndex(index);
    const again = parseIndex(out);
    expect(again.extensions).toEqual([]);
    expect(indexEntries(again).map((entry) => entryBytes(entry).toString("hex"))).toEqual(indexEntries(index).map((entry) => entryBytes(entry).toString("hex")));
  });

  it("keeps version 3 and extended flags of other entries through a native commit", async () => {
    const board = await makeTempBoard({ "a.md": "a\n", "other.md": "o\n" });
    board.git(["update-index", "--skip-worktree", "other.md"]);
    expect(parseIndex(indexOf(board)).version).toBe(3);
    expect(nativeTakes(board, "a.md", "a2\n")).toBe(true);
    await commitAndCheck(board, "a.md", "a2\n");
    expect(indexOf(board).readUInt32BE(4)).toBe(3);
    expect(board.git(["ls-files", "-v"])).toBe("H a.md\nS other.md\n");
    // git's checksum and entry checks accept what we wrote
    expect(board.git(["ls-files", "--debug", "a.md"])).toMatch(/size: 3\b/);
  });

  it("inserts, replaces and removes entries in git's order", () => {
    const index = emptyIndex();
    for (const path of ["b/c.md", "a.md", "b.e", "b-d.md"]) setEntry(index, indexKey(path), makeEntry(path, OID, 0o100644, null));
    expect(indexEntries(index).map((entry) => entry.key)).toEqual(["a.md", "b-d.md", "b.e", "b/c.md"]);
    setEntry(index, indexKey("b.e"), null);
    setEntry(index, indexKey("missing"), null);
    expect(indexEntries(index).map((entry) => entry.key)).toEqual(["a.md", "b-d.md", "b/c.md"]);
    expect(() => setEntry(index, indexKey("b"), makeEntry("b", OID, 0o100644, null))).toThrow(NativeUnsupported); // "b" is a directory
    expect(() => setEntry(index, indexKey("a.md/x"), makeEntry("a.md/x", OID, 0o100644, null))).toThrow(NativeUnsupported); // "a.md" is a file
    const roundTrip = parseIndex(serializeIndex(index));
    expect(indexEntries(roundTrip).map((entry) => entry.key)).toEqual(["a.md", "b-d.md", "b/c.md"]);
  });

  it("refuses version 4, unknown extensions and a bad checksum; commitPaths then falls back and stays correct", async () => {
    const board = await makeTempBoard({ "a.md": "a\n", "b.md": "b\n" });
    board.git(["update-index", "--index-version", "4"]);
    expect(() => parseIndex(indexOf(board))).toThrow(NativeUnsupported);
    // Left to isomorphic-git, which does not read version 4 either (as before this fast path).
    expect(nativeTakes(board, "a.md", "a2\n")).toBe(false);

    const untracked = await makeTempBoard({ "a.md": "a\n" });
    untracked.git(["config", "core.untrackedCache", "true"]);
    untracked.git(["update-index", "--untracked-cache"]);
    untracked.git(["status", "--porcelain"]);
    expect(() => parseIndex(indexOf(untracked))).toThrow(/UNTR/);
    expect(nativeTakes(untracked, "a.md", "a2\n")).toBe(false);
    await commitAndCheck(untracked, "a.md", "a2\n");

    const data = Buffer.from(indexOf(board));
    data[data.length - 1]! ^= 1;
    expect(() => parseIndex(data)).toThrow(/checksum/);
  });

  it("falls back while the written path is unmerged", async () => {
    const board = await makeTempBoard({ "a.md": "base\n" });
    board.git(["checkout", "-q", "-b", "side"]);
    board.write("a.md", "side\n");
    board.git(["commit", "-q", "-am", "side"]);
    board.git(["checkout", "-q", "main"]);
    board.write("a.md", "main\n");
    board.git(["commit", "-q", "-am", "main"]);
    expect(() => board.git(["merge", "-q", "side"])).toThrow();
    expect(nativeTakes(board, "a.md", "resolved\n")).toBe(false);
  });
});
