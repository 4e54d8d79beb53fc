import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import { afterEach, describe, expect, it } from "vitest";
import { commitPaths, type FileChange } from "../../src/git/commit-paths.js";
import { prepareNativeCommit, type BlobChange } from "../../src/git/native-commit.js";
import { hashObject, NativeUnsupported, readLooseObject, serializeCommit, writeLooseObject } from "../../src/git/objects.js";
import { nameKey, openTree, parseTree, type TreeItem } from "../../src/git/tree-object.js";
import { readRef } from "../../src/git/refs.js";
import { cleanupTempBoards, gitEnv, makeTempBoard, type TempBoard } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

const AUTHOR = { name: "Bead Tester", email: "bead@example.test" };
const gitdirOf = (board: TempBoard) => join(board.dir, ".git");

function gitBytes(board: TempBoard, args: string[]): Buffer {
  return execFileSync("git", args, { cwd: board.dir, env: gitEnv(), maxBuffer: 1 << 26 });
}

/** Would the native path take this commit? (It returns null when it leaves it to isomorphic-git.) */
function nativeTakes(board: TempBoard, changes: Array<[string, string | null]>): boolean {
  const blobs = new Map<string, BlobChange>(changes.map(([path, text]) => [path, text === null ? null : { bytes: Buffer.from(text), mode: "100644" }]));
  return prepareNativeCommit(board.dir, gitdirOf(board), readRef(gitdirOf(board), "refs/heads/main"), blobs) !== null;
}

/** Write the files into the work tree and commit them, the way the board's writers do. */
function commit(board: TempBoard, changes: FileChange[], message = "bead change") {
  return commitPaths({ root: board.dir, gitdir: gitdirOf(board), changes, message, author: AUTHOR, writeWorktree: true });
}

function expectConsistent(board: TempBoard): void {
  expect(board.git(["fsck", "--strict", "--no-dangling"])).not.toMatch(/error|missing|broken|bad|warning/i);
  expect(board.git(["status", "--porcelain"])).toBe("");
  expect(board.git(["diff", "--cached", "--name-only"])).toBe("");
}

describe("loose objects", () => {
  it("writes blobs, trees and commits that git reads back identically", async () => {
    const board = await makeTempBoard({}, { commit: false });
    const blob = writeLooseObject(gitdirOf(board), "blob", Buffer.from("hello\nworld\n"));
    expect(blob).toBe(execFileSync("git", ["hash-object", "--stdin"], { input: "hello\nworld\n", env: gitEnv() }).toString().trim());
    expect(board.git(["cat-file", "-p", blob])).toBe("hello\nworld\n");
    const build = (items: Array<[string, TreeItem]>) => openTree(Buffer.alloc(0)).edit(new Map(items.map(([name, item]) => [nameKey(name), item])));
    const sub = writeLooseObject(gitdirOf(board), "tree", build([["run.sh", { mode: "100755", oid: blob }]]));
    const tree = writeLooseObject(
      gitdirOf(board),
      "tree",
      build([
        ["b.md", { mode: "100644", oid: blob }],
        ["b", { mode: "40000", oid: sub }],
        ["b-c", { mode: "100644", oid: blob }],
        ["a", { mode: "100644", oid: blob }],
      ]),
    );
    // git's order: a directory sorts as "b/", after "b-c" and "b.md".
    expect(board.git(["cat-file", "-p", tree])).toBe(`100644 blob ${blob}\ta\n100644 blob ${blob}\tb-c\n100644 blob ${blob}\tb.md\n040000 tree ${sub}\tb\n`);
    const person = "Bead Tester <bead@example.test> 1700000000 +0000";
    const commitOid = writeLooseObject(gitdirOf(board), "commit", serializeCommit({ tree, parents: [], author: person, committer: person, message: "\n\nfirst\r\n\n\n" }));
    expect(board.git(["cat-file", "-p", commitOid])).toBe(`tree ${tree}\nauthor ${person}\ncommitter ${person}\n\nfirst\n`);
    expect(writeLooseObject(gitdirOf(board), "blob", Buffer.from("hello\nworld\n"))).toBe(blob); // already there: same id
    expect(board.git(["fsck", "--strict", "--no-dangling"])).not.toMatch(/error|bad|warning/i);
  });

  it("reads what git wrote, and tree parse -> serialize is byte-identical", async () => {
    const board = await makeTempBoard({ "z.md": "z\n", "beads/a.md": "a\n", "beads.md": "x\n", "deep/er/f.txt": "f\n" });
    fs.chmodSync(join(board.dir, "z.md"), 0o755);
    board.git(["add", "z.md"]);
    board.git(["commit", "-q", "-m", "exec"]);
    const head = board.git(["rev-parse", "HEAD"]).trim();
    const commitObject = readLooseObject(gitdirOf(board), head);
    expect(commitObject.type).toBe("commit");
    expect(commitObject.body.equals(gitBytes(board, ["cat-file", "commit", head]))).toBe(true);
    const treeOid = board.git(["rev-parse", "HEAD^{tree}"]).trim();
    const tree = readLooseObject(gitdirOf(board), treeOid);
    expect(hashObject("tree", tree.body)).toBe(treeOid);
    const items = parseTree(tree.body);
    expect([...items.keys()]).toEqual(["beads.md", "beads", "deep", "z.md"]);
    expect(items.get("z.md")?.mode).toBe("100755");
    // No edit, or an entry replaced by itself: byte-identical.
    expect(openTree(tree.body).edit(new Map()).equals(tree.body)).toBe(true);
    expect(openTree(tree.body).edit(new Map([["beads", items.get("beads")!]])).equals(tree.body)).toBe(true);
    // Edits land where git puts them: compare with `git mktree` given the same entries.
    const blob = items.get("z.md")!.oid;
    const edited = openTree(tree.body).edit(
      new Map<string, TreeItem | null>([
        ["beads-x", { mode: "100644", oid: blob }],
        ["a", { mode: "100644", oid: blob }],
        ["z.md", null],
        ["deep", { mode: "100644", oid: blob }], // a directory becoming a file moves in git's order
        ["zz", { mode: "40000", oid: items.get("beads")!.oid }],
      ]),
    );
    const listing = board.git(["ls-tree", writeLooseObject(gitdirOf(board), "tree", edited)]);
    const mktree = execFileSync("git", ["mktree"], { cwd: board.dir, env: gitEnv(), input: listing }).toString().trim();
    expect(hashObject("tree", edited)).toBe(mktree);
    expect(listing.trim().split("\n").map((line) => line.split("\t")[1])).toEqual(["a", "beads-x", "beads.md", "beads", "deep", "zz"]);
  });

  it("reports packed objects and odd modes as unsupported, not as errors of the commit", async () => {
    const board = await makeTempBoard({ "a.md": "a\n" });
    board.git(["gc", "-q"]);
    expect(() => readLooseObject(gitdirOf(board), board.git(["rev-parse", "HEAD"]).trim())).toThrow(NativeUnsupported);
    expect(() => parseTree(Buffer.concat([Buffer.from("100664 a\0"), Buffer.alloc(20)]))).toThrow(NativeUnsupported);
  });

  it("makes the same commit object as isomorphic-git for the same fields", async () => {
    const board = await makeTempBoard({ "a.md": "a\n" });
    const tree = board.git(["rev-parse", "HEAD^{tree}"]).trim();
    const parent = board.git(["rev-parse", "HEAD"]).trim();
    const person = { ...AUTHOR, timestamp: 1700000000, timezoneOffset: 0 };
    const message = "claim bb-1 by x\n";
    const theirs = await git.writeCommit({ fs, gitdir: gitdirOf(board), commit: { message, tree, parent: [parent], author: person, committer: person } });
    const text = `${AUTHOR.name} <${AUTHOR.email}> 1700000000 +0000`;
    expect(hashObject("commit", serializeCommit({ tree, parents: [parent], author: text, committer: text, message }))).toBe(theirs);
  });
});

describe("commitPaths' native path", () => {
  it("commits natively: fsck --strict, status and diff --cached clean, stat data filled in", async () => {
    const board = await makeTempBoard({ "beads/a.md": "a\n", "beads/b.md": "b\n", "README.md": "r\n" });
    expect(nativeTakes(board, [["beads/a.md", "a2\n"]])).toBe(true);
    const result = await commit(board, [{ path: "beads/a.md", content: "a2\n" }]);
    expect(result?.oid).toBe(board.git(["rev-parse", "HEAD"]).trim());
    expect(board.git(["show", "--name-only", "--format=%an <%ae>%n%s", "HEAD"]).trim().split("\n")).toEqual(["Bead Tester <bead@example.test>", "bead change", "", "beads/a.md"]);
    expectConsistent(board);
    const debug = board.git(["ls-files", "--debug", "beads/a.md"]);
    expect(debug).not.toMatch(/mtime: 0:0/);
    expect(debug).toMatch(/size: 3\b/);
    expect(board.git(["reflog", "show", "-1", "--format=%gs", "main"]).trim()).toBe("commit: bead change");
  });

  it("handles new directories, executables, deletions, a no-op and an emptied tree", async () => {
    const board = await makeTempBoard({ "beads/a.md": "a\n" });
    await commit(board, [{ path: "tools/new/run.sh", content: "#!/bin/sh\n", executable: true }]);
    expect(board.git(["ls-tree", "-r", "HEAD", "tools"])).toMatch(/^100755 blob [0-9a-f]{40}\ttools\/new\/run.sh\n$/);
    expectConsistent(board);
    const before = board.git(["rev-parse", "HEAD"]).trim();
    expect(await commit(board, [{ path: "beads/a.md", content: "a\n" }])).toBeNull(); // no empty commits
    expect(board.git(["rev-parse", "HEAD"]).trim()).toBe(before);
    await commit(board, [{ path: "tools/new/run.sh", content: null }]);
    expect(board.git(["ls-tree", "-r", "--name-only", "HEAD"])).toBe("beads/a.md\n");
    expectConsistent(board);
    await commit(board, [{ path: "beads/a.md", content: null }]);
    expect(board.git(["rev-parse", "HEAD^{tree}"]).trim()).toBe("4b825dc642cb6eb9a060e54bf8d69288fbee4904");
    expectConsistent(board);
  });

  it("writes merge commits with every parent", async () => {
    const board = await makeTempBoard({ "a.md": "a\n" });
    board.git(["checkout", "-q", "-b", "side"]);
    board.write("b.md", "b\n");
    board.git(["add", "b.md"]);
    board.git(["commit", "-q", "-m", "side"]);
    const side = board.git(["rev-parse", "HEAD"]).trim();
    board.git(["checkout", "-q", "main"]);
    const result = await commitPaths({ root: board.dir, gitdir: gitdirOf(board), changes: [{ path: "b.md", content: "b\n" }], message: "merge side", author: AUTHOR, writeWorktree: true, mergeParents: [side] });
    expect(board.git(["rev-list", "--parents", "-1", "HEAD"]).trim()).toBe(`${result?.oid} ${result?.parent} ${side}`);
    expectConsistent(board);
  });

  it("falls back to isomorphic-git for a packed repository, and the result is the same", async () => {
    const board = await makeTempBoard({ "beads/a.md": "a\n", "beads/b.md": "b\n" });
    board.git(["gc", "-q"]);
    expect(nativeTakes(board, [["beads/a.md", "a2\n"]])).toBe(false);
    await commit(board, [{ path: "beads/a.md", content: "a2\n" }]);
    expect(board.git(["show", "HEAD:beads/a.md"])).toBe("a2\n");
    expect(board.git(["show", "--name-only", "--format=", "HEAD"])).toBe("beads/a.md\n");
    expectConsistent(board);
    // isomorphic-git left HEAD's commit and trees loose: the next commit is native again.
    expect(nativeTakes(board, [["beads/b.md", "b2\n"]])).toBe(true);
    await commit(board, [{ path: "beads/b.md", content: "b2\n" }]);
    expectConsistent(board);
  });

  it("refuses, never falls back, when the repository's objects are not SHA-1 (extensions.objectFormat)", async () => {
    const board = await makeTempBoard({ "a.md": "a\n" });
    const head = board.git(["rev-parse", "HEAD"]).trim();
    fs.appendFileSync(join(gitdirOf(board), "config"), "[extensions]\n\tobjectFormat = sha256\n");
    await expect(commit(board, [{ path: "a.md", content: "b\n" }])).rejects.toMatchObject({ code: "E_REPO_FORMAT" });
    expect(fs.readFileSync(join(gitdirOf(board), "refs/heads/main"), "utf8").trim()).toBe(head);
  });

  it("an unexpected failure while writing objects is thrown, not handed to isomorphic-git", async () => {
    const board = await makeTempBoard({ "a.md": "a\n" });
    const blob = hashObject("blob", Buffer.from("b\n"));
    // A file where the object's fan-out directory must go: mkdir fails (as ENOSPC or EIO would).
    fs.writeFileSync(join(gitdirOf(board), "objects", blob.slice(0, 2)), "in the way");
    expect(() => nativeTakes(board, [["a.md", "b\n"]])).toThrow(/EEXIST|ENOTDIR/);
  });
});
