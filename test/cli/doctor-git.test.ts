/** After SIGKILL mid-commit (issue 14, item 11): doctor reports a stale index.lock and a stale index entry; --fix repairs both. */
import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "./support.js";

afterEach(cleanupTempBoards);

type Check = { name: string; ok: boolean; detail: string };
const find = (stdout: string, name: string) => (JSON.parse(stdout) as Check[]).find((check) => check.name === name);

describe("doctor: git state after a crash", () => {
  it("reports a stale index.lock and removes it with --fix; a fresh one is left alone", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: A"]) });
    const lock = join(b.dir, ".git", "index.lock");
    writeFileSync(lock, "");
    expect(find((await b.bead(["doctor", "--json"])).stdout, "index.lock")).toMatchObject({ ok: true, detail: expect.stringContaining("recent") });
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(lock, old, old);
    expect(find((await b.bead(["doctor", "--json"])).stdout, "index.lock")).toMatchObject({ ok: false, detail: expect.stringContaining("bead doctor --fix") });
    expect(find((await b.bead(["doctor", "--fix", "--json"])).stdout, "index.lock")).toMatchObject({ ok: true, detail: expect.stringContaining("removed a stale lock") });
    expect(find((await b.bead(["doctor", "--json"])).stdout, "index.lock")).toMatchObject({ ok: true, detail: "none" });
  });

  it("reports a board file staged differently from HEAD and the disk (the next git commit would revert it); --fix resets it to HEAD", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: A"]) });
    // What a kill mid-commit leaves: the index holds a version that is neither HEAD's nor the file's.
    b.write("beads/a.md", beadText(["title: Stale"]));
    b.git(["add", "beads/a.md"]);
    b.write("beads/a.md", beadText(["title: A"]));
    expect(find((await b.bead(["doctor", "--json"])).stdout, "index")).toMatchObject({ ok: false, detail: expect.stringContaining("beads/a.md") });
    await b.bead(["doctor", "--fix", "--json"]);
    expect(b.git(["diff", "--cached", "--name-only"]).trim()).toBe("");
    expect(find((await b.bead(["doctor", "--json"])).stdout, "index")).toMatchObject({ ok: true });
  });
});
