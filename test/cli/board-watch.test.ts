import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { boardPaths } from "../../src/board/paths.js";
import { watchBoard } from "../../src/cli/commands/board-watch.js";
import type { CliIo } from "../../src/cli/io.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";
import { cliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const FILES = {
  "beads/base.md": beadText(["title: Base work"]),
  "beads/after.md": beadText(["title: After base", "deps: [base]"]),
};

/** An io whose output can be awaited: `until(text)` resolves once the output contains it. */
function watchedIo() {
  let output = "";
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  const io: CliIo = {
    cwd: "/",
    env: {},
    out: (text) => {
      output += typeof text === "string" ? text : Buffer.from(text).toString("utf8");
      for (const waiter of waiters.splice(0)) if (output.includes(waiter.text)) waiter.resolve();
      else waiters.push(waiter);
    },
    err: () => {},
    readStdin: async () => "",
    columns: 60,
    isTTY: true,
  };
  const until = (text: string) => new Promise<void>((resolve) => (output.includes(text) ? resolve() : waiters.push({ text, resolve })));
  return { io, until, output: () => output };
}

describe("bead board: blocked, --json, --watch", () => {
  it("shows an open bead waiting on deps as blocked, and --json names what blocks it", async () => {
    const b = await cliBoard(FILES);
    expect((await b.bead(["board"], { columns: 100 })).stdout).toMatch(/OPEN \(1\).*BLOCKED \(1\)/);
    const board = JSON.parse((await b.bead(["board", "--json"])).stdout);
    const blocked = board.columns.find((column: { title: string }) => column.title === "BLOCKED");
    expect(blocked.beads).toEqual([expect.objectContaining({ id: "after", blocked_by: ["base"] })]);
  });

  it("--watch redraws on a file event, fits the width, clears the screen on a terminal, and stops on its signal", async () => {
    const board = await makeTempBoard(FILES);
    const { io, until, output } = watchedIo();
    const controller = new AbortController();
    const watching = watchBoard(io, boardPaths(board.dir), false, controller.signal);
    await until("BLOCKED (1)");
    writeFileSync(join(board.dir, "beads/base.md"), beadText(["title: Base work", "status: done"]));
    await until("DONE (1)");
    controller.abort();
    await watching;
    const frames = output().split("\u001b[H\u001b[2J").filter(Boolean);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames[frames.length - 1]).toMatch(/OPEN \(1\)/);
    for (const line of output().replace(/\u001b\[[HJ2]+/g, "").split("\n")) expect(Array.from(line).length).toBeLessThanOrEqual(60);
  });
});
