import { unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LiveBoard } from "../../src/board/live-board.js";
import { boardPaths } from "../../src/board/paths.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";

const live: LiveBoard[] = [];
afterEach(async () => {
  for (const board of live.splice(0)) board.unwatch();
  await cleanupTempBoards();
});

const bead = (title: string, extra = "") => `---\ntitle: ${title}\n${extra}---\n`;

async function liveBoard(files: Record<string, string>) {
  const temp = await makeTempBoard(files);
  const board = new LiveBoard(boardPaths(temp.dir));
  live.push(board);
  /** Resolves once the watcher has reported an event about `name`. */
  const eventAbout = (name: string) =>
    new Promise<void>((resolve) => {
      const stop = board.onChange((changed) => {
        if (changed === name) {
          stop();
          resolve();
        }
      });
    });
  return { temp, board, eventAbout, write: (name: string, text: string) => writeFileSync(join(temp.dir, "beads", name), text) };
}

const titles = (beads: ReadonlyArray<{ fields: { title: string } }>) => beads.map((b) => b.fields.title);

describe("LiveBoard: the board a long-running process keeps", () => {
  it("loads the whole board at every look while it is not watching", async () => {
    const { board, write } = await liveBoard({ "beads/a.md": bead("A"), "beads/b.md": bead("B") });
    expect(titles((await board.current()).beads)).toEqual(["A", "B"]);
    write("a.md", bead("A2"));
    expect(titles((await board.current()).beads)).toEqual(["A2", "B"]);
  });

  it("while watching, re-reads only the files events named, and sees new, deleted and broken files", async () => {
    const { temp, board, eventAbout, write } = await liveBoard({ "beads/a.md": bead("A"), "beads/b.md": bead("B") });
    board.watch();
    const first = await board.current();
    const b = first.byId.get("b");

    let heard = eventAbout("a.md");
    write("a.md", bead("A2", "priority: 0\n"));
    await heard;
    const second = await board.current();
    expect(titles(second.beads)).toEqual(["A2", "B"]);
    expect(second.byId.get("a")?.fields.priority).toBe(0);
    expect(second.byId.get("b")).toBe(b); // not read again

    heard = eventAbout("c.md");
    write("c.md", bead("C"));
    await heard;
    expect(titles((await board.current()).beads)).toEqual(["A2", "B", "C"]);

    heard = eventAbout("a.md");
    unlinkSync(join(temp.dir, "beads", "a.md"));
    await heard;
    expect(titles((await board.current()).beads)).toEqual(["B", "C"]);

    heard = eventAbout("c.md");
    write("c.md", bead("C", "status: doing\n"));
    await heard;
    const broken = await board.current();
    expect(titles(broken.beads)).toEqual(["B"]);
    expect(broken.problems).toEqual([expect.objectContaining({ path: "beads/c.md", line: 3 })]);
  });

  it("after a change that names no file, checks every file and reads again those that changed, even unreported ones", async () => {
    const { temp, board } = await liveBoard({ "beads/a.md": bead("A"), "beads/b.md": bead("B") });
    const old = new Date(Date.now() - 60_000);
    const save = (name: string, text: string) => {
      writeFileSync(join(temp.dir, "beads", name), text);
      utimesSync(join(temp.dir, "beads", name), old, old); // saved long enough ago to trust its stat data
    };
    save("a.md", bead("A"));
    save("b.md", bead("B"));
    board.watch();
    const first = await board.current();
    board.unwatch(); // what happens now, no event reports
    save("a.md", bead("A, edited"));
    save("c.md", bead("C"));
    board.watch();
    board.changed();
    const again = await board.current();
    expect(titles(again.beads)).toEqual(["A, edited", "B", "C"]);
    expect(again.byId.get("b")).toBe(first.byId.get("b")); // unchanged: not read again
  });

  it("on a full look, reads again a file saved too recently to trust its stat data", async () => {
    const { board, write, eventAbout } = await liveBoard({ "beads/a.md": bead("A"), "beads/b.md": bead("B") });
    board.watch();
    const b = (await board.current()).byId.get("b");
    const heard = eventAbout("a.md");
    write("a.md", bead("A2"));
    await heard;
    board.changed();
    const again = await board.current();
    expect(titles(again.beads)).toEqual(["A2", "B"]);
    expect(again.byId.get("b")).not.toBe(b); // b.md was written a moment ago, by the test's set-up
    expect(again.byId.get("b")).toEqual(b);
  });
});
