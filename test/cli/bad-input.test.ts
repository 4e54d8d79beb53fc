import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard, type CliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const GOOD = { "beads/good.md": beadText(["title: Still works"]) };

function aliasBomb(): string {
  const lines = ["title: bomb", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(",")}]`);
  return beadText(lines);
}

/** Each bad bead file, and the `path:line: reason` every command must name it with. */
const BAD: Array<[string, string | Buffer, RegExp]> = [
  ["malformed YAML", beadText(["title: t", "labels: [a, b", "priority: 1"]), /beads\/bad\.md:3: invalid YAML: /],
  ["a front-matter block never closed", "---\ntitle: t\nstatus: open\n\nThe body, but no closing fence.\n", /beads\/bad\.md:1: front-matter opened on line 1 is never closed/],
  ["a .md containing NUL bytes", Buffer.concat([Buffer.from("---\ntitle: t\n---\n"), Buffer.from([0, 0, 0xff, 0])]), /beads\/bad\.md:1: binary file in beads\//],
  ["a 10 MB bead", beadText(["title: huge"], "z".repeat(10 * 1024 * 1024)), /beads\/bad\.md:1: file is 10\.0 MB; a bead may be at most 1 MB/],
  ["a YAML alias bomb", aliasBomb(), /beads\/bad\.md:4: invalid YAML: .*alias/i],
];

async function boardWithBad(content: string | Buffer): Promise<{ board: CliBoard; bytes: string }> {
  const board = await cliBoard(GOOD);
  writeFileSync(join(board.dir, "beads/bad.md"), content);
  await board.gitAsync(["add", "beads/bad.md"]);
  await board.gitAsync(["commit", "-q", "--no-verify", "-m", "a bad bead"]);
  return { board, bytes: board.snapshot()["beads/bad.md"]! };
}

describe.each(BAD)("bad input: %s", (_name, content, reason) => {
  it("the board keeps working around it", async () => {
    const { board } = await boardWithBad(content);
    const ls = await board.bead(["ls", "--json"]);
    expect(ls.code).toBe(0);
    expect((JSON.parse(ls.stdout) as Array<{ id: string }>).map((bead) => bead.id)).toEqual(["good"]);
    const text = await board.bead(["ls"]);
    expect(text.stderr).toMatch(/1 invalid bead file\(s\) skipped/);
    const ready = await board.bead(["ready", "--json"]);
    expect((JSON.parse(ready.stdout) as Array<{ id: string }>).map((bead) => bead.id)).toEqual(["good"]);
    expect((await board.bead(["set", "good", "priority=1"])).code).toBe(0);
  });

  it("show, set, close, dep and lint name the file, the line and the reason, and lose nothing", async () => {
    const { board, bytes } = await boardWithBad(content);
    const head = board.head();
    for (const args of [["show", "bad"], ["show", "bad", "--json"], ["set", "bad", "priority=1"], ["close", "bad"], ["reopen", "bad"], ["dep", "rm", "bad", "good"]]) {
      const run = await board.bead(args);
      expect(run.code, args.join(" ")).toBe(1);
      expect(run.stderr, args.join(" ")).toMatch(reason);
      expect(run.stderr).not.toMatch(/internal error|YAMLParseError|at .*\.ts:\d+/);
    }
    const lint = await board.bead(["lint"]);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toMatch(new RegExp(`^${reason.source}`, "m"));
    expect(board.snapshot()["beads/bad.md"]).toBe(bytes);
    expect(board.head()).toBe(head);
    expect(board.git(["status", "--porcelain"])).toBe("");
  });
});

describe("bad input: a binary file that is not a .md", () => {
  it("is left alone by every command, and lint points it out", async () => {
    const board = await cliBoard(GOOD);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    writeFileSync(join(board.dir, "beads/screenshot.png"), png);
    const before = board.snapshot();
    const ls = await board.bead(["ls", "--json"]);
    expect(ls).toMatchObject({ code: 0, stderr: "" });
    expect((JSON.parse(ls.stdout) as Array<{ id: string }>).map((bead) => bead.id)).toEqual(["good"]);
    expect((await board.bead(["show", "screenshot"])).code).toBe(2);
    expect((await board.bead(["show", "screenshot.png"])).code).toBe(2);
    const lint = await board.bead(["lint"]);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toMatch(/^beads\/screenshot\.png:1: not a bead file/m);
    expect((await board.bead(["set", "good", "priority=0"])).code).toBe(0);
    expect(board.snapshot()["beads/screenshot.png"]).toBe(before["beads/screenshot.png"]);
  });
});

describe("bad input: an id that looks like a path", () => {
  const IDS = ["../x", "a/b", "..", "/etc/passwd", "beads/../../x", "x.md", ".hidden", "a\\b"];
  const COMMANDS = [
    (id: string) => ["show", id],
    (id: string) => ["set", id, "status=done"],
    (id: string) => ["claim", id, "--as", "me"],
    (id: string) => ["release", id, "--as", "me"],
    (id: string) => ["close", id],
    (id: string) => ["reopen", id],
    (id: string) => ["log", id],
    (id: string) => ["dep", "add", id, "good"],
  ];

  it("is refused by every command that takes an id, with exit 1 and nothing touched", async () => {
    const board = await cliBoard({ ...GOOD, "x.md": beadText(["title: outside beads/"]), "beads/a/b.md": beadText(["title: nested"]) });
    const before = board.snapshot();
    const head = board.head();
    for (const id of IDS) {
      for (const command of COMMANDS) {
        const args = command(id);
        const run = await board.bead(args);
        expect(run.code, args.join(" ")).toBe(1);
        expect(run.stderr, args.join(" ")).toMatch(/invalid bead id/);
      }
    }
    expect(board.snapshot()).toEqual(before);
    expect(board.head()).toBe(head);
  });
});
