import { readdirSync, utimesSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.js";
import { launch } from "../../src/cli/launch.js";
import { gitEnv, cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const bead = (title: string) => `---\ntitle: ${title}\n---\n`;
const NO_BUNDLE = "/nonexistent/dist/bundle/bead.cjs";
const BUNDLE = fileURLToPath(new URL("../../dist/bundle/bead.cjs", import.meta.url));

/** Stat data of files saved long ago can be trusted (see RACY_MS); make the board look like that. */
function age(dir: string, seconds = 60): void {
  const then = new Date(Date.now() - seconds * 1000);
  for (const name of readdirSync(join(dir, "beads"))) utimesSync(join(dir, "beads", name), then, then);
}

function capture(cwd: string): { io: CliIo; stdout: () => string } {
  let out = "";
  const io: CliIo = {
    cwd,
    env: { ...gitEnv(), BEAD_CODE_CACHE: "0" },
    out: (text) => {
      out += typeof text === "string" ? text : Buffer.from(text).toString("utf8");
    },
    err: () => undefined,
    readStdin: async () => "",
    columns: 100,
    isTTY: false,
  };
  return { io, stdout: () => out };
}

describe("the launcher (bin/bead.js)", () => {
  it("answers a stored query on an unchanged board without loading the CLI", async () => {
    const board = await cliBoard({ "beads/a.md": bead("A"), "beads/b.md": bead("B") });
    age(board.dir);
    const expected = await board.bead(["ls", "--json"]); // computes and stores the answer
    const quick = capture(board.dir);
    // The CLI bundle path leads nowhere: only the stored answer can have produced this.
    expect(await launch(["ls", "--json"], { bundlePath: NO_BUNDLE, io: quick.io })).toBe(0);
    expect(quick.stdout()).toBe(expected.stdout);

    const escalated = await board.bead(["ls", "--escalated", "--json"]);
    const quickEscalated = capture(board.dir);
    expect(await launch(["ls", "--escalated", "--json"], { bundlePath: NO_BUNDLE, io: quickEscalated.io })).toBe(0);
    expect(quickEscalated.stdout()).toBe(escalated.stdout);

    const elsewhere = capture("/");
    expect(await launch(["ls", "-C", board.dir, "--json"], { bundlePath: NO_BUNDLE, io: elsewhere.io })).toBe(0);
    expect(elsewhere.stdout()).toBe(expected.stdout);
  });

  it("goes to the CLI when the board changed, the query differs, or the answer is not JSON", async () => {
    const board = await cliBoard({ "beads/a.md": bead("A") });
    age(board.dir);
    await board.bead(["ls", "--json"]);
    // ls --text is not part of a stored answer's key: the store never answers it, even with ls --json stored.
    for (const argv of [["ls", "--json", "--status", "open"], ["ls"], ["ready", "--json"], ["ls", "--json", "--help"], ["ls", "--json", "--text", "A"], ["ls", "--json", "--escalated"]]) {
      await expect(launch(argv, { bundlePath: NO_BUNDLE, io: capture(board.dir).io }), argv.join(" ")).rejects.toThrow(/ENOENT/);
    }
    writeFileSync(join(board.dir, "beads/a.md"), bead("A, renamed"));
    age(board.dir, 30);
    await expect(launch(["ls", "--json"], { bundlePath: NO_BUNDLE, io: capture(board.dir).io })).rejects.toThrow(/ENOENT/);
    await expect(launch(["ls", "--json"], { bundlePath: NO_BUNDLE, io: capture("/").io })).rejects.toThrow(/ENOENT/); // not a board
  });

  it("runs everything else through the CLI bundle, with its output and exit code", async () => {
    const board = await cliBoard({ "beads/a.md": bead("A") });
    const table = capture(board.dir);
    expect(await launch(["ls"], { bundlePath: BUNDLE, io: table.io })).toBe(0);
    expect(table.stdout()).toBe((await board.bead(["ls"], { columns: 100 })).stdout);
    expect(await launch(["show", "ghost"], { bundlePath: BUNDLE, io: capture(board.dir).io })).toBe(2);
  });
});
