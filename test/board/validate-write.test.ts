/** Validate before writing (issue 14, item 9): what the reader would refuse is never written. */
import { afterEach, describe, expect, it } from "vitest";
import { writeBack } from "../../src/claim/write-back.js";
import { findBoard } from "../../src/board/paths.js";
import { writeContext, writeFilesLocked } from "../../src/board/write.js";
import { withBoardLock } from "../../src/git/board-lock.js";
import { InvalidArgumentError } from "../../src/errors.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "../cli/support.js";
import { gitEnv } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

const START = { "beads/a.md": beadText(["title: Alpha"], "Body.\n") };

describe("validate before writing", () => {
  it("bead new refuses a NUL byte in the title or in a body from stdin, writing and committing nothing", async () => {
    const b = await cliBoard(START);
    const head = b.head();
    const before = b.snapshot();
    const title = await b.bead(["new", "bad\u0000title"]);
    expect(title.code).not.toBe(0);
    expect(title.stderr).toMatch(/NUL byte|binary|invalid/i);
    const body = await b.bead(["new", "fine title", "--body", "-"], { stdin: "first line\nsecond\u0000line\n" });
    expect(body.code).not.toBe(0);
    expect(body.stderr).toMatch(/NUL byte on line \d/);
    expect(body.stderr).toContain("nothing was written");
    expect(b.head()).toBe(head);
    expect(b.snapshot()).toEqual(before);
  });

  it("a result with a NUL byte, or one that pushes the bead past 1 MB, is refused at write-back; file and HEAD unchanged", async () => {
    const b = await cliBoard(START);
    const ctx = writeContext(findBoard(b.dir), gitEnv());
    const head = b.head();
    const before = b.read("beads/a.md");
    await expect(writeBack(ctx, "a", "coder", { outcome: "done", result: "ok\u0000" })).rejects.toThrow(InvalidArgumentError);
    await expect(writeBack(ctx, "a", "coder", { outcome: "done", result: "x".repeat(1024 * 1024 + 1) })).rejects.toThrow(/at most 1 MB.*nothing was written/);
    expect(b.read("beads/a.md")).toBe(before);
    expect(b.head()).toBe(head);
    // The same write-back with a valid result lands.
    await writeBack(ctx, "a", "coder", { outcome: "done", result: "fine" });
    expect(b.read("beads/a.md")).toContain("fine");
  });

  it("other board files (memory) are held to the same bound and binary rule", async () => {
    const b = await cliBoard(START);
    const paths = findBoard(b.dir);
    const ctx = writeContext(paths, gitEnv());
    const head = b.head();
    await expect(withBoardLock(paths.stateDir, () => writeFilesLocked(ctx, [{ path: "memory/MEMORY.md", content: "a\u0000b" }], "m"))).rejects.toThrow(/memory\/MEMORY\.md.*NUL byte/);
    await expect(
      withBoardLock(paths.stateDir, () => writeFilesLocked(ctx, [{ path: "beads/b.md", content: "---\ntitle: [unclosed\n---\n" }], "m")),
    ).rejects.toThrow(/beads\/b\.md: refused/);
    expect(b.head()).toBe(head);
  });
});
