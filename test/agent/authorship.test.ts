/** Agent commits are authored by the agent; the committer is the machine's identity. */
import { afterEach, describe, expect, it } from "vitest";
import { agentIdentity } from "../../src/git/author.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards, makeTempBoard, runGit } from "../helpers/temp-board.js";
import { REPORTER, superviseOnce } from "./support.js";

afterEach(async () => {
  await cleanupTempBoards();
});

describe("agent authorship", () => {
  it("git log --author=reporter finds the agent's claim and result; the committer is BEAD_ACTOR", async () => {
    const board = await makeTempBoard({ "agents/reporter.md": REPORTER, "beads/bb-1.md": beadText(["title: Report", "labels: [report]"], "x\n") });
    await superviseOnce(board.dir);
    const byAgent = (await runGit(board.dir, ["log", "--author=reporter", "--format=%an <%ae>|%cn <%ce>|%s"])).trim().split("\n");
    expect(byAgent.map((line) => line.split("|")[2])).toEqual(expect.arrayContaining(["claim bb-1 by reporter", "done bb-1"]));
    for (const line of byAgent) expect(line.split("|").slice(0, 2)).toEqual(["reporter <reporter@test.beadboard>", "Agent Runner <agents@beadboard.test>"]);
    // A person's own commits (the board's setup) are not the agent's.
    expect(await runGit(board.dir, ["log", "--author=reporter", "--format=%s", "--", ".beadboard.yml", "agents"])).toBe("");
    await expect(runGit(board.dir, ["fsck", "--no-progress"])).resolves.toBeDefined();
  });

  it("makes a valid e-mail address out of any host name", () => {
    expect(agentIdentity("codemonkey", "build box (2)")).toEqual({ name: "codemonkey", email: "codemonkey@build-box--2.beadboard" });
    expect(agentIdentity("a", "...")).toEqual({ name: "a", email: "a@localhost.beadboard" });
  });
});
