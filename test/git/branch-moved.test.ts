/** Branch switches (issue 14, item 12): once HEAD moves to another branch, agents commit nothing there. */
import { afterEach, describe, expect, it } from "vitest";
import { setFields } from "../../src/bead/edit-yaml.js";
import { findBoard } from "../../src/board/paths.js";
import { editBead, writeContext } from "../../src/board/write.js";
import { GitError } from "../../src/errors.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards, gitEnv } from "../helpers/temp-board.js";
import { cliBoard } from "../cli/support.js";

afterEach(cleanupTempBoards);

describe("branch the board works on", () => {
  it("commits on the recorded branch, and refuses (naming both branches) after a person's git checkout -b", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: A"]) });
    const paths = findBoard(b.dir);
    const ctx = { ...writeContext(paths, gitEnv()), branchRef: "refs/heads/main" };
    const bump = (priority: number) => (text: string) => setFields(text, { priority }, "beads/a.md");
    await editBead(ctx, "a", bump(1), "p1");
    b.git(["checkout", "-q", "-b", "other"]);
    const tip = b.head();
    const before = b.read("beads/a.md");
    const error = await editBead(ctx, "a", bump(3), "p3").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toMatch(/HEAD moved from refs\/heads\/main to refs\/heads\/other: nothing was committed.*git checkout main/);
    expect(b.head()).toBe(tip);
    expect(b.read("beads/a.md")).toBe(before);
    // Without a recorded branch (a person's own CLI use), commits follow HEAD as before.
    await editBead(writeContext(paths, gitEnv()), "a", bump(4), "p4");
    expect(b.git(["log", "-1", "--format=%s", "other"]).trim()).toBe("p4");
  });
});
