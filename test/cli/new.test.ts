import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { parseBead } from "../../src/bead/parse.js";
import { BEAD_BIN, runBeadProcess } from "../helpers/cli.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { ACTOR, cliBoard, lastCommitFiles } from "./support.js";

afterEach(cleanupTempBoards);

describe("bead new", () => {
  it("creates a bead, commits exactly its file, and prints the id", async () => {
    const board = await cliBoard({ "beads/.gitkeep": "" });
    const run = await board.bead(["new", "Fix the login page"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/^bb-[0-9a-z]{4}\n$/);
    const id = run.stdout.trim();
    const text = board.read(`beads/${id}.md`);
    expect(text).toMatch(/^---\ntitle: Fix the login page\nstatus: open\npriority: 2\ntype: task\ncreated: \d{4}-\d\d-\d\dT[\d:.]+Z\n---\n$/);
    expect(lastCommitFiles(board)).toEqual([`beads/${id}.md`]);
    expect(board.git(["log", "-1", "--format=%s|%an <%ae>"]).trim()).toBe(`new ${id}: Fix the login page|${ACTOR}`);
    expect(board.git(["status", "--porcelain"])).toBe("");
  });

  it("ends a bead without a body with a newline after the closing fence", async () => {
    const board = await cliBoard();
    const id = (await board.bead(["new", "No body"])).stdout.trim();
    expect(board.read(`beads/${id}.md`).endsWith("\n---\n")).toBe(true);
    const shown = await board.bead(["show", id]);
    expect(shown.stdout.endsWith("\n")).toBe(true);
  });

  it("reads the body from stdin with --body -, and takes labels, deps, priority, type, agent and sensitivity", async () => {
    const board = await cliBoard({ "beads/base.md": beadText(["title: Base"]), "beads/other.md": beadText(["title: Other"]) });
    const body = "Steps:\n\n1. open the page\n2. see it fail\n";
    const run = await board.bead(
      ["new", "Broken: login", "--body", "-", "--label", "web", "--label", "urgent", "--dep", "base", "--dep", "other", "--priority", "0", "--type", "bug", "--agent", "codemonkey", "--sensitivity", "private"],
      { stdin: body },
    );
    expect(run.code).toBe(0);
    const { fields, body: written } = parseBead(board.read(`beads/${run.stdout.trim()}.md`), "x");
    expect(fields).toMatchObject({ title: "Broken: login", labels: ["web", "urgent"], deps: ["base", "other"], priority: 0, type: "bug", agent: "codemonkey", sensitivity: "private" });
    expect(written).toBe(body);
  });

  it("prints {id, path} with --json", async () => {
    const board = await cliBoard();
    const run = await board.bead(["new", "Json", "--body", "inline body", "--json"]);
    const out = JSON.parse(run.stdout) as { id: string; path: string };
    expect(out.path).toBe(`beads/${out.id}.md`);
    expect(parseBead(board.read(out.path), out.path).body).toBe("inline body\n");
  });

  it("works in a repository with no commits and no bead init", async () => {
    const board = await cliBoard({}, { commit: false });
    const run = await board.bead(["new", "First"]);
    expect(run.code).toBe(0);
    expect(board.git(["log", "--format=%s"]).trim()).toBe(`new ${run.stdout.trim()}: First`);
  });

  it.each([
    [["--priority", "7"], /--priority must be 0 \(urgent\) to 4/],
    [["--priority", "high"], /--priority must be 0/],
    [["--type", "feature"], /refused: type must be one of task, bug, research, chore, epic; nothing was written/],
    [["--sensitivity", "top"], /refused: sensitivity must be one of public/],
  ])("refuses bad options %j with exit 1 and writes nothing", async (options, message) => {
    const board = await cliBoard();
    const head = board.head();
    const run = await board.bead(["new", "x", ...options]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
    expect(board.head()).toBe(head);
    expect(board.snapshot()).toEqual({});
  });

  it("refuses an empty title", async () => {
    const board = await cliBoard();
    const run = await board.bead(["new", "   "]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/title is empty/);
  });

  it("refuses a dep on a bead that does not exist (exit 2), and a dep that is a path (exit 1)", async () => {
    const board = await cliBoard({ "beads/base.md": beadText(["title: Base"]) });
    const head = board.head();
    const missing = await board.bead(["new", "x", "--dep", "base", "--dep", "ghost"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/bead not found: ghost/);
    const path = await board.bead(["new", "x", "--dep", "../base"]);
    expect(path.code).toBe(1);
    expect(path.stderr).toMatch(/invalid bead id "\.\.\/base"/);
    expect(board.head()).toBe(head);
    expect(Object.keys(board.snapshot())).toEqual(["beads/base.md"]);
  });

  it("mints distinct ids", async () => {
    const board = await cliBoard();
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await board.bead(["new", `bead ${i}`])).stdout.trim());
    expect(ids.size).toBe(5);
    expect(board.git(["rev-list", "--count", "HEAD"]).trim()).toBe("6");
  });

  it("reads --body - from a real process's stdin", async () => {
    const board = await cliBoard();
    const run = await new Promise<{ code: number; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [BEAD_BIN, "new", "From a pipe", "--body", "-"], { cwd: board.dir, env: { ...process.env, BEAD_ACTOR: ACTOR } });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.on("close", (code) => resolve({ code: code ?? 1, stdout }));
      child.stdin.end("piped body\n");
    });
    expect(run.code).toBe(0);
    expect(parseBead(board.read(`beads/${run.stdout.trim()}.md`), "x").body).toBe("piped body\n");
    expect((await runBeadProcess(["show", run.stdout.trim(), "--json"], { cwd: board.dir })).code).toBe(0);
  });
});
