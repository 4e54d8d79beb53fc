import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildContext } from "../../src/agent/context.js";
import { parseBeadFile } from "../../src/board/read-bead.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard, lastCommitFiles } from "./support.js";

afterEach(cleanupTempBoards);

describe("bead comment", () => {
  it("appends a comment with author and time in one commit; show and show --json list it; search finds it", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: Alpha", "labels: [web]  # keep me"], "Body.\n") });
    const run = await b.bead(["comment", "a", "the", "banner", "is", "wrong"]);
    expect(run).toMatchObject({ code: 0, stdout: "a: comment added\n" });
    expect(lastCommitFiles(b)).toEqual(["beads/a.md"]);
    expect(b.git(["log", "-1", "--format=%s"]).trim()).toBe("comment a by Bead Tester");
    const text = readFileSync(join(b.dir, "beads/a.md"), "utf8");
    expect(text).toMatch(/labels: \[web\] {2}# keep me/);
    expect(text).toMatch(/\nBody\.\n\n## Comments\n- \*\*Bead Tester\*\* \(\d{4}-\d\d-\d\dT[\d:.]+Z\): the banner is wrong\n$/);
    const shown = JSON.parse((await b.bead(["show", "a", "--json"])).stdout);
    expect(shown.comments).toEqual([{ author: "Bead Tester", at: expect.any(String), text: "the banner is wrong" }]);
    expect((await b.bead(["show", "a"])).stdout).toMatch(/comments: 1/);
    const hits = JSON.parse((await b.bead(["search", "banner", "--json"])).stdout);
    expect(hits[0]).toMatchObject({ id: "a", match: { text: expect.stringContaining("the banner is wrong"), section: "Comments" } });
  });

  it("reads a multi-line comment from stdin, and agents see comments in their context", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: Alpha"], "Body.\n") });
    expect((await b.bead(["comment", "a", "-"], { stdin: "line one\nline two\n" })).code).toBe(0);
    const bead = parseBeadFile(join(b.dir, "beads/a.md"), "a");
    const built = buildContext({ bead, agentName: "x", systemPrompt: "You.", deps: [], sharedMemory: "", agentMemory: "", budgetTokens: 4000 });
    expect(JSON.stringify(built)).toMatch(/line one\\n {2}line two/);
  });

  it("refuses an empty comment and an unknown bead, writing nothing", async () => {
    const b = await cliBoard({ "beads/a.md": beadText(["title: Alpha"]) });
    const head = b.head();
    const empty = await b.bead(["comment", "a", "-"], { stdin: "  \n" });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/comment is empty/);
    const missing = await b.bead(["comment", "nope", "hi"]);
    expect(missing.code).toBe(2);
    expect(b.head()).toBe(head);
  });
});
