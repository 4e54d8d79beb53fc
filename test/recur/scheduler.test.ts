import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "node-cron";
import { afterEach, describe, expect, it } from "vitest";
import { loadBoard } from "../../src/board/load.js";
import { boardPaths } from "../../src/board/paths.js";
import { readyBeads } from "../../src/board/queries.js";
import { writeContext } from "../../src/board/write.js";
import { recurringTicker } from "../../src/recur/scheduler.js";
import { beadText } from "../helpers/beads.js";
import { runCli } from "../helpers/cli.js";
import { cleanupTempBoards, gitEnv, makeTempBoard, runGitSync } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

const TEMPLATE = beadText(["title: Standup", 'schedule: "0 9 * * 1-5"'], "Report.\n");
const MONDAY_9 = Date.parse("2026-12-07T09:00:20Z");

function ticker(dir: string, log: string[] = []) {
  const paths = boardPaths(dir);
  return recurringTicker({ paths, ctx: writeContext(paths, { ...gitEnv(), BEAD_ACTOR: "Up <up@example.test>" }), parse, log: (line) => log.push(line) });
}

describe("recurring beads", () => {
  it("makes one bead per slot in a commit naming the slot; the template is never ready", async () => {
    const board = await makeTempBoard({ "beads/standup.md": TEMPLATE });
    const t = ticker(board.dir);
    expect(await t.tick(MONDAY_9)).toEqual(["standup-20261207-0900"]);
    expect(board.git(["log", "-1", "--format=%s"]).trim()).toBe("recur standup slot 2026-12-07T09:00:00.000Z: standup-20261207-0900");
    expect(await t.tick(MONDAY_9 + 30_000)).toEqual([]);
    // A restarted `bead up` (a fresh ticker looking back an hour) does not make it again.
    expect(await ticker(board.dir).tick(MONDAY_9 + 60_000)).toEqual([]);
    const loaded = await loadBoard(boardPaths(board.dir));
    expect(readyBeads(loaded.beads, loaded.byId).map((bead) => bead.id)).toEqual(["standup-20261207-0900"]);
    expect(await t.tick(Date.parse("2026-12-08T09:00:05Z"))).toEqual(["standup-20261208-0900"]);
  });

  it("refuses to claim the template itself, naming why, and writes nothing; its slot beads are claimable", async () => {
    const board = await makeTempBoard({ "beads/standup.md": TEMPLATE });
    expect(await ticker(board.dir).tick(MONDAY_9)).toEqual(["standup-20261207-0900"]);
    const env = { ...gitEnv(), BEAD_ACTOR: "Pat <pat@example.test>" };
    const before = board.git(["rev-parse", "HEAD"]);
    const refused = await runCli(["claim", "standup", "--as", "pat"], { cwd: board.dir, env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("template for recurring beads");
    expect(board.git(["rev-parse", "HEAD"])).toBe(before);
    expect(board.read("beads/standup.md")).toBe(TEMPLATE);
    expect((await runCli(["claim", "standup-20261207-0900", "--as", "pat"], { cwd: board.dir, env })).code).toBe(0);
  });

  it("logs a bad schedule once and makes nothing from it", async () => {
    const board = await makeTempBoard({ "beads/bad.md": beadText(["title: Bad", 'schedule: "0 25 * * *"']) });
    const log: string[] = [];
    const t = ticker(board.dir, log);
    expect(await t.tick(MONDAY_9)).toEqual([]);
    expect(await t.tick(MONDAY_9 + 30_000)).toEqual([]);
    expect(log).toEqual([expect.stringMatching(/^recur: beads\/bad\.md: schedule "0 25 \* \* \*" is invalid .*no beads are made from it$/)]);
  });

  it("across clones: a clone that synced the slot's bead does not repeat it, and two clones racing merge cleanly", async () => {
    const origin = await makeTempBoard({ "beads/standup.md": TEMPLATE });
    const bare = join(origin.dir, ".git", "shared-remote.git"); // removed with the origin board
    runGitSync(origin.dir, ["clone", "-q", "--bare", origin.dir, bare]);
    const a = await makeTempBoard({});
    const b = await makeTempBoard({});
    for (const clone of [a, b]) {
      runGitSync(clone.dir, ["remote", "add", "origin", bare]);
      runGitSync(clone.dir, ["fetch", "-q", "origin"]);
      runGitSync(clone.dir, ["reset", "-q", "--hard", "origin/main"]);
    }
    expect(await ticker(a.dir).tick(MONDAY_9)).toEqual(["standup-20261207-0900"]);
    runGitSync(a.dir, ["push", "-q", "origin", "HEAD:main"]);
    runGitSync(b.dir, ["pull", "-q", "--no-rebase", "origin", "main"]);
    expect(await ticker(b.dir).tick(MONDAY_9 + 10_000)).toEqual([]);
    // Both make the next slot before either syncs: the same path with the same bytes.
    const tuesday = Date.parse("2026-12-08T09:00:01Z");
    expect(await ticker(a.dir).tick(tuesday)).toEqual(["standup-20261208-0900"]);
    expect(await ticker(b.dir).tick(tuesday)).toEqual(["standup-20261208-0900"]);
    runGitSync(a.dir, ["push", "-q", "origin", "HEAD:main"]);
    runGitSync(b.dir, ["pull", "-q", "--no-rebase", "origin", "main"]);
    expect(readFileSync(join(b.dir, "beads/standup-20261208-0900.md"), "utf8")).toBe(readFileSync(join(a.dir, "beads/standup-20261208-0900.md"), "utf8"));
    expect(runGitSync(b.dir, ["status", "--porcelain"])).toBe("");
    expect(existsSync(join(b.dir, "beads/standup-20261207-0900.md"))).toBe(true);
  });
});
