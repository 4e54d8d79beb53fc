/** Branch switches (issue 14, item 12): once HEAD moves to another branch, agents commit nothing there. */
import { afterEach, describe, expect, it } from "vitest";
import { guardBranch, headMovedMessage } from "../../src/agent/branch-guard.js";
import { claimBead, releaseBead } from "../../src/claim/claim.js";
import type { TimerClock } from "../../src/time/interval.js";
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

/** A manual clock: advance() fires due timers; no real time passes. */
function manualClock(): TimerClock & { advance(ms: number): Promise<void> } {
  let now = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  return {
    now: () => now,
    setTimeout: (run, ms) => (timers.set(++seq, { at: now + ms, run }), seq),
    clearTimeout: (handle) => void timers.delete(handle as number),
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = [...timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!next || next[1].at > end) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].run();
        await new Promise((resolve) => setImmediate(resolve)); // let the tick's promise settle
      }
      now = end;
    },
  };
}

describe("noticing the move (issue 14, item 12)", () => {
  it("the periodic look calls onMoved once when HEAD names another branch, and stops", async () => {
    const clock = manualClock();
    let head = "refs/heads/main";
    const moves: string[] = [];
    const stop = new AbortController();
    guardBranch({ gitdir: "/nonexistent-gitdir", branchRef: "refs/heads/main", onMoved: (to) => moves.push(to), signal: stop.signal, clock, everyMs: 1_000, readHead: () => head });
    await clock.advance(10_000);
    expect(moves).toEqual([]);
    head = "refs/heads/other";
    await clock.advance(1_000);
    await clock.advance(10_000);
    expect(moves).toEqual(["refs/heads/other"]);
    stop.abort();
    expect(headMovedMessage("refs/heads/main", "refs/heads/other")).toMatch(/HEAD moved from main to other while bead up ran.*released on main.*nothing was committed on other.*git checkout main/);
  });

  it("a real git checkout -b is seen from the OS event on .git/HEAD, a detached HEAD too", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: A"]) });
    const stop = new AbortController();
    const moves: string[] = [];
    guardBranch({ gitdir: findBoard(b.dir).gitdir, branchRef: "refs/heads/main", onMoved: (to) => moves.push(to), signal: stop.signal, everyMs: 3_600_000 });
    b.git(["checkout", "-q", "-b", "other"]);
    await expect.poll(() => moves, { timeout: 10_000 }).toEqual(["refs/heads/other"]);
    stop.abort();
    const detached: string[] = [];
    const stop2 = new AbortController();
    b.git(["checkout", "-q", "main"]);
    guardBranch({ gitdir: findBoard(b.dir).gitdir, branchRef: "refs/heads/main", onMoved: (to) => detached.push(to), signal: stop2.signal, everyMs: 3_600_000 });
    b.git(["checkout", "-q", "--detach"]);
    await expect.poll(() => detached, { timeout: 10_000 }).toEqual(["a detached HEAD"]);
    stop2.abort();
  });
});

describe("releasing on the board's branch after the move", () => {
  it("commits the release on main from main's own version; the person's branch, index and files are untouched", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: A"]), "beads/b.md": beadText(["title: B"]) });
    const paths = findBoard(b.dir);
    const ctx = { ...writeContext(paths, gitEnv()), branchRef: "refs/heads/main" };
    await claimBead(ctx, "a", { agent: "coder", leaseMs: 600_000, host: "vm" });
    b.git(["checkout", "-q", "-b", "other"]);
    // The person edits another bead on their branch, uncommitted.
    b.write("beads/b.md", beadText(["title: B, the person's edit"]));
    const otherTip = b.head();
    const fileBefore = b.read("beads/a.md");
    const statusBefore = b.git(["status", "--porcelain"]);
    await releaseBead(ctx, "a", { agent: "coder", host: "vm", reason: "agent stopped" });
    expect(b.head()).toBe(otherTip);
    expect(b.git(["rev-parse", "other"]).trim()).toBe(otherTip);
    expect(b.read("beads/a.md")).toBe(fileBefore);
    expect(b.git(["status", "--porcelain"])).toBe(statusBefore);
    expect(b.git(["log", "-1", "--format=%s", "main"]).trim()).toBe("release a by coder: agent stopped");
    const atMain = b.git(["show", "main:beads/a.md"]);
    expect(atMain).toMatch(/^status: open$/m);
    expect(atMain).not.toMatch(/claimed_by/);
    expect(b.git(["show", "main:beads/b.md"])).not.toContain("the person's edit");
    b.git(["fsck", "--strict"]);
    // Not the holder: refused, nothing committed.
    const mainTip = b.git(["rev-parse", "main"]).trim();
    await expect(releaseBead(ctx, "a", { agent: "coder", host: "vm" })).rejects.toThrow(/not held by coder@vm/);
    expect(b.git(["rev-parse", "main"]).trim()).toBe(mainTip);
    // Back on main (stashing the person's edit), the released bead is there.
    b.git(["stash", "-q"]);
    b.git(["checkout", "-q", "main"]);
    expect(b.read("beads/a.md")).toMatch(/^status: open$/m);
  });
});
