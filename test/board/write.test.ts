import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { setFields } from "../../src/bead/edit.js";
import { parseBead } from "../../src/bead/parse.js";
import { newBeadText } from "../../src/board/new-bead.js";
import { boardPaths } from "../../src/board/paths.js";
import { createBead, editBead, writeContext, type WriteContext } from "../../src/board/write.js";
import { ConflictError, InvalidArgumentError, NotFoundError, ParseError } from "../../src/errors.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards, makeTempBoard, type TempBoard } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

const ORIGINAL = beadText(["title: Original  # a person's comment", "status: open", "priority: 2"], "Notes.\n");

async function setup(): Promise<{ board: TempBoard; ctx: WriteContext; head: () => string }> {
  const board = await makeTempBoard({ "beads/a.md": ORIGINAL });
  const ctx = writeContext(boardPaths(board.dir), { BEAD_ACTOR: "tester <tester@example.test>" });
  return { board, ctx, head: () => board.git(["rev-parse", "HEAD"]).trim() };
}

const setStatus = (status: string) => (text: string) => setFields(text, { status }, "beads/a.md");

describe("editBead", () => {
  it("applies the edit, commits exactly that file, and leaves git status clean", async () => {
    const { board, ctx, head } = await setup();
    const before = head();
    const result = await editBead(ctx, "a", setStatus("done"), "done a");
    expect(result.bead.fields.status).toBe("done");
    expect(result.commit).toEqual({ oid: head(), parent: before });
    expect(board.read("beads/a.md")).toBe(ORIGINAL.replace("status: open", "status: done"));
    expect(board.git(["show", "--name-only", "--format=%s|%an <%ae>", "HEAD"]).trim().split("\n")).toEqual(["done a|tester <tester@example.test>", "", "beads/a.md"]);
    expect(board.git(["status", "--porcelain"])).toBe("");
  });

  it("keeps a person's save made while it was editing, and applies the edit on top of it", async () => {
    const { board, ctx } = await setup();
    const saved = ORIGINAL.replace("Notes.\n", "Notes.\nA line the person just saved.\n").replace("priority: 2", "priority: 0");
    const seen: string[] = [];
    const result = await editBead(
      ctx,
      "a",
      (text) => {
        seen.push(text);
        // The first time round, the person saves the file between our read and our write.
        if (seen.length === 1) writeFileSync(join(board.dir, "beads/a.md"), saved);
        return setFields(text, { status: "done" }, "beads/a.md");
      },
      "done a",
    );
    expect(seen).toEqual([ORIGINAL, saved]);
    const expected = saved.replace("status: open", "status: done");
    expect(board.read("beads/a.md")).toBe(expected);
    expect(board.git(["show", "HEAD:beads/a.md"])).toBe(expected);
    expect(result.bead.fields).toMatchObject({ status: "done", priority: 0 });
    expect(board.git(["status", "--porcelain"])).toBe("");
  });

  it("refuses with a ConflictError when the file keeps changing, and keeps the person's last save", async () => {
    const { board, ctx, head } = await setup();
    const before = head();
    let saves = 0;
    const edit = (text: string) => {
      saves++;
      writeFileSync(join(board.dir, "beads/a.md"), ORIGINAL.replace("Notes.", `Save ${saves}.`));
      return setFields(text, { status: "done" }, "beads/a.md");
    };
    await expect(editBead(ctx, "a", edit, "done a")).rejects.toThrow(ConflictError);
    expect(board.read("beads/a.md")).toBe(ORIGINAL.replace("Notes.", `Save ${saves}.`));
    expect(head()).toBe(before);
  });

  it("makes no commit when the edit changes nothing", async () => {
    const { ctx, head } = await setup();
    const before = head();
    expect((await editBead(ctx, "a", () => null, "noop")).commit).toBeNull();
    expect((await editBead(ctx, "a", (text) => text, "noop")).commit).toBeNull();
    expect((await editBead(ctx, "a", setStatus("open"), "noop")).commit).toBeNull();
    expect(head()).toBe(before);
  });

  it("refuses an edit that would make the bead invalid, writing nothing", async () => {
    const { board, ctx, head } = await setup();
    const before = head();
    await expect(editBead(ctx, "a", setStatus("doing"), "bad")).rejects.toThrow(InvalidArgumentError);
    await expect(editBead(ctx, "a", setStatus("doing"), "bad")).rejects.toThrow(/beads\/a\.md: refused, .*status must be one of/);
    expect(board.read("beads/a.md")).toBe(ORIGINAL);
    expect(head()).toBe(before);
  });

  it("refuses to edit a bead that is missing or unreadable, touching nothing", async () => {
    const { board, ctx } = await setup();
    await expect(editBead(ctx, "ghost", setStatus("done"), "x")).rejects.toThrow(NotFoundError);
    const broken = "---\ntitle: t\nlabels: [a\n---\n";
    board.write("beads/a.md", broken);
    await expect(editBead(ctx, "a", setStatus("done"), "x")).rejects.toThrow(ParseError);
    expect(board.read("beads/a.md")).toBe(broken);
  });
});

describe("createBead", () => {
  it("creates and commits a new bead, but never overwrites an existing id", async () => {
    const { board, ctx, head } = await setup();
    const commit = await createBead(ctx, "b", beadText(["title: B"]), "new b");
    expect(commit).toMatchObject({ oid: head() });
    expect(board.git(["show", "--name-only", "--format=%s", "HEAD"]).trim().split("\n")).toEqual(["new b", "", "beads/b.md"]);
    const before = head();
    expect(await createBead(ctx, "a", beadText(["title: intruder"]), "new a")).toBe(false);
    expect(board.read("beads/a.md")).toBe(ORIGINAL);
    expect(head()).toBe(before);
  });

  it("refuses to create a bead the board could not read", async () => {
    const { board, ctx } = await setup();
    await expect(createBead(ctx, "c", beadText(["status: open"]), "new c")).rejects.toThrow(ParseError);
    expect(board.git(["status", "--porcelain", "--untracked-files=all"])).toBe("");
  });
});

describe("newBeadText", () => {
  const now = new Date("2025-03-04T05:06:07.000Z");

  it("writes the fields in a stable order and ends an empty-bodied bead with a newline after the fence", () => {
    const text = newBeadText({ title: "Hello" }, "", now, setFields);
    expect(text).toBe("---\ntitle: Hello\nstatus: open\npriority: 2\ntype: task\ncreated: 2025-03-04T05:06:07.000Z\n---\n");
    expect(newBeadText({ title: "Hello" }, "\n \n", now, setFields).endsWith("---\n")).toBe(true);
  });

  it("ends the body with exactly one newline and keeps its inner layout", () => {
    const text = newBeadText({ title: "T" }, "\n\n  indented code\n\nmore\n\n\n", now, setFields);
    expect(parseBead(text, "beads/x.md").body).toBe("  indented code\n\nmore\n");
  });

  it("round-trips awkward values: colons, quotes, lists, numbers-as-text", () => {
    const fields = { title: 'Fix: the "login" page #1', labels: ["a b", "c,d"], deps: ["bb-1"], agent: "007", sensitivity: "private" };
    const parsed = parseBead(newBeadText(fields, "", now, setFields), "beads/x.md").fields;
    expect(parsed).toMatchObject({ ...fields, status: "open", priority: 2, created: now.toISOString() });
  });
});
