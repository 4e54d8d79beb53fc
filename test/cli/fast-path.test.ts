import { afterEach, describe, expect, it } from "vitest";
import { fastCommand, withBoardOptionAfterCommand } from "../../src/cli/fast-path.js";
import { runCli } from "../helpers/cli.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const bead = (title: string, extra = "") => `---\ntitle: ${title}\n${extra}---\n`;

describe("the commander-free fast path", () => {
  it("parses the plain spellings of ls, ready, set and claim as commander would hand them over", () => {
    expect(fastCommand(["ls", "--json"])).toEqual({ name: "ls", args: [], options: { json: true } });
    expect(fastCommand(["ls", "--status", "open", "--status", "done", "--label", "ops", "--agent", "bob", "-C", "b"])).toEqual({
      name: "ls",
      args: [],
      options: { status: ["open", "done"], label: ["ops"], agent: "bob", dir: "b" },
    });
    expect(fastCommand(["ready", "--dir", "b", "--json"])).toEqual({ name: "ready", args: [], options: { dir: "b", json: true } });
    expect(fastCommand(["set", "bb-1", "priority=1", "title=x y"])).toEqual({ name: "set", args: ["bb-1", ["priority=1", "title=x y"]], options: {} });
    expect(fastCommand(["claim", "bb-1", "--as", "ann"])).toEqual({ name: "claim", args: ["bb-1"], options: { as: "ann", lease: "15m" } });
    expect(fastCommand(["claim", "--lease", "5m", "bb-1", "--as", "ann", "--json"])).toEqual({ name: "claim", args: ["bb-1"], options: { as: "ann", lease: "5m", json: true } });
  });

  it("takes every option of the table that main.ts builds commander's commands from", () => {
    expect(fastCommand(["ls", "--escalated", "--priority", "0", "--priority", "1", "--type", "bug", "--text", "login", "--since", "7d"])).toEqual({
      name: "ls",
      args: [],
      options: { escalated: true, priority: ["0", "1"], type: ["bug"], text: "login", since: "7d" },
    });
    expect(fastCommand(["set", "bb-1", "--body", "new text"])).toEqual({ name: "set", args: ["bb-1", []], options: { body: "new text" } });
    expect(fastCommand(["set", "bb-1"])).toEqual({ name: "set", args: ["bb-1", []], options: {} });
  });

  it("leaves everything else to commander: help, --opt=value, unknown or missing options, bad choices, wrong arity", () => {
    for (const argv of [
      [],
      ["new", "x"],
      ["ls", "--help"],
      ["ls", "--json=1"],
      ["ls", "--status", "doing"],
      ["ls", "--agent"],
      ["ls", "--agent", "-x"],
      ["ls", "extra"],
      ["ready", "--status", "open"],
      ["set", "bb-1", "a=1", "--json"],
      ["claim", "bb-1", "bb-2", "--as", "ann"],
      ["claim", "bb-1", "--as", "ann", "--lease"],
      ["hasOwnProperty"],
    ]) {
      expect(fastCommand(argv), argv.join(" ")).toBeNull();
    }
    // --as may be left out (claim_as: git-identity); the claim command itself says when it is needed.
    expect(fastCommand(["claim", "bb-1"])).toMatchObject({ name: "claim", options: { lease: "15m" } });
  });

  it("search (issue 17) parses like commander and answers the same both ways; set key+=item and --body stay consistent", async () => {
    expect(fastCommand(["search", "login", '"a b"', "label:x", "--all", "--limit", "5", "--json"])).toEqual({
      name: "search",
      args: [["login", '"a b"', "label:x"]],
      options: { all: true, limit: "5", json: true },
    });
    expect(fastCommand(["search"])).toBeNull();
    expect(fastCommand(["set", "a", "--body", "-"])).toBeNull();
    expect(fastCommand(["set", "a", "labels+=x"])).toEqual({ name: "set", args: ["a", ["labels+=x"]], options: {} });
    const board = await cliBoard({ "beads/a.md": bead("Alpha login", "labels: [ops]\n"), "beads/b.md": bead("Bravo", "priority: 0\n") });
    const viaCommander = (argv: string[]) => [...argv, `--dir=${board.dir}`];
    for (const argv of [["search", "login", "--json"], ["search", "label:ops", "--limit", "5"], ["search", "nothing"]]) {
      const fast = await board.bead(argv);
      expect(fast, argv.join(" ")).toEqual(await board.bead(viaCommander(argv)));
      expect(fast.code).toBe(0);
    }
    expect(await board.bead(["set", "a", "labels+=web"])).toEqual({ code: 0, stdout: "a: updated\n", stderr: "" });
    expect(await board.bead(viaCommander(["set", "a", "labels-=web"]))).toEqual({ code: 0, stdout: "a: updated\n", stderr: "" });
  });

  it("answers exactly as the commander path does", async () => {
    const board = await cliBoard({ "beads/a.md": bead("A", "labels: [ops]\n"), "beads/b.md": bead("B", "priority: 0\ndeps: [a]\n") });
    // `--dir=<path>` is a spelling only commander takes, so each pair runs both paths.
    const viaCommander = (argv: string[]) => [...argv, `--dir=${board.dir}`];
    for (const argv of [["ls", "--json"], ["ls", "--label", "ops"], ["ls", "--escalated", "--json"], ["ls", "--priority", "0", "--json"], ["ready", "--json"], ["ready"], ["set", "a"], ["set", "ghost", "--body", "x"]]) {
      const fast = await board.bead(argv);
      const slow = await board.bead(viaCommander(argv));
      expect(fast, argv.join(" ")).toEqual(slow);
    }
    const set = await board.bead(["set", "a", "priority=1"]);
    expect(set).toEqual({ code: 0, stdout: "a: updated\n", stderr: "" });
    expect(await board.bead(viaCommander(["set", "a", "priority=3"]))).toEqual({ code: 0, stdout: "a: updated\n", stderr: "" });
    const claim = await board.bead(["claim", "a", "--as", "ann", "--json"]);
    expect(claim.code).toBe(0);
    expect(JSON.parse(claim.stdout)).toMatchObject({ id: "a", renewed: false });
    const again = await board.bead(viaCommander(["claim", "a", "--as", "ann", "--json"]));
    expect(JSON.parse(again.stdout)).toMatchObject({ id: "a", renewed: true });
  });

  it("takes the board before the command, as git -C does", async () => {
    expect(withBoardOptionAfterCommand(["-C", "b", "ls", "--json"])).toEqual(["ls", "--json", "--dir", "b"]);
    expect(withBoardOptionAfterCommand(["--dir=b", "dep", "add", "x", "y"])).toEqual(["dep", "add", "x", "y", "--dir", "b"]);
    expect(withBoardOptionAfterCommand(["-C", "b", "new", "t", "--", "-x"])).toEqual(["new", "t", "--dir", "b", "--", "-x"]);
    expect(withBoardOptionAfterCommand(["-C", "b"])).toEqual(["-C", "b"]);
    expect(withBoardOptionAfterCommand(["ls", "-C", "b"])).toEqual(["ls", "-C", "b"]);

    const board = await cliBoard({ "beads/a.md": bead("A"), "beads/b.md": bead("B") });
    const elsewhere = (argv: string[]) => runCli(argv, { cwd: "/" });
    expect((await elsewhere(["-C", board.dir, "ls", "--json"])).stdout).toBe((await board.bead(["ls", "--json"])).stdout);
    expect(await elsewhere(["-C", board.dir, "dep", "add", "a", "b"])).toMatchObject({ code: 0 });
    expect(board.read("beads/a.md")).toMatch(/deps: \[b\]|deps:\n\s+- b/);
  });

  it("reports errors with the same exit codes as commander's path", async () => {
    const board = await cliBoard({ "beads/a.md": bead("A") });
    expect((await board.bead(["set", "missing", "priority=1"])).code).toBe((await board.bead(["set", "missing", "priority=1", `--dir=${board.dir}`])).code);
    const refused = await board.bead(["claim", "a", "--as", "ann"]);
    expect(refused.code).toBe(0);
    const taken = await board.bead(["claim", "a", "--as", "bob"]);
    const takenSlow = await board.bead(["claim", "a", "--as", "bob", `--dir=${board.dir}`]);
    expect(taken.code).toBe(3);
    expect(takenSlow.code).toBe(3);
    expect(taken.stderr).toBe(takenSlow.stderr);
  });
});
