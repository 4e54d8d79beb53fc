/**
 * Bad input to `bead mcp`: each is a tool error with a clear message and the CLI's code, the
 * server keeps serving, and nothing is written (HEAD and the work tree unchanged).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { errorText, startMcp, structured, type McpSession } from "./support.js";

let board: TempBoard;
let mcp: McpSession;

beforeAll(async () => {
  board = await makeTempBoard({ "beads/alpha.md": beadText(["title: Alpha"]) });
  mcp = await startMcp(board.dir, ["--as", "tester"]);
});

afterAll(async () => {
  await mcp?.close();
  await board?.cleanup();
});

const cases: Array<[string, string, Record<string, unknown>, RegExp]> = [
  ["an unknown id", "show", { id: "nope" }, /^E_NOT_FOUND: bead not found: nope/],
  ["an unknown id to update", "update", { id: "nope", fields: { priority: 1 } }, /^E_NOT_FOUND: .*nope/],
  ["an id that is a path", "show", { id: "../etc/passwd" }, /^E_INVALID_ID: invalid bead id/],
  ["an invalid field value", "update", { id: "alpha", fields: { priority: 9 } }, /priority/],
  ["an invalid status", "update", { id: "alpha", fields: { status: "finished" } }, /status/],
  ["a claim field by hand", "update", { id: "alpha", fields: { claimed_by: "me" } }, /^E_INVALID_ARGUMENT: claimed_by is managed by the claim protocol/],
  ["status=claimed by hand", "update", { id: "alpha", fields: { status: "claimed" } }, /^E_INVALID_ARGUMENT: use `bead claim/],
  ["a malformed field name", "update", { id: "alpha", fields: { "bad key": 1 } }, /^E_INVALID_ARGUMENT: "bad key" is not a field name/],
  ["a number for an id", "show", { id: 42 }, /Input validation error.*id/s],
  ["a missing argument", "dep_add", { id: "alpha" }, /Input validation error.*blocker/s],
  ["a priority out of range", "create", { title: "x", priority: 7 }, /Input validation error.*priority/s],
  ["a huge body", "create", { title: "huge", body: "x".repeat(300 * 1024) }, /Input validation error.*body/s],
  ["a dep on a bead that does not exist", "create", { title: "orphan", deps: ["ghost"] }, /^E_NOT_FOUND: bead not found: ghost/],
  ["a dependency on itself", "dep_add", { id: "alpha", blocker: "alpha" }, /^E_INVALID_ARGUMENT: alpha cannot depend on itself/],
  ["a bad lease", "claim", { id: "alpha", lease: "forever" }, /^E_INVALID_ARGUMENT: .*lease/],
  ["an agent name that is a path", "memory_read", { agent: "../../etc/passwd" }, /^E_INVALID_ARGUMENT: .*not an agent name/],
  ["memory that does not exist", "memory_read", {}, /^E_NOT_FOUND: memory file not found/],
];

describe("bad input to bead mcp", () => {
  it.each(cases)("%s: a tool error, still serving, nothing written", async (_what, tool, args, message) => {
    const before = board.git(["rev-parse", "HEAD"]);
    const text = errorText(await mcp.call(tool, args));
    expect(text).toMatch(message);
    expect(board.git(["rev-parse", "HEAD"])).toBe(before);
    expect(board.git(["status", "--porcelain"])).toBe("");
    expect(structured<{ beads: unknown[] }>(await mcp.call("list")).beads).toHaveLength(1);
  });

  it("an unknown tool is an error and the server keeps serving", async () => {
    const result = await mcp.call("drop_table", {});
    expect(errorText(result)).toMatch(/drop_table not found/);
    expect(structured<{ beads: unknown[] }>(await mcp.call("ready")).beads).toHaveLength(1);
  });

  it("a bad --as is refused at start-up, naming the rule", async () => {
    await expect(startMcp(board.dir, ["--as", "a/b"])).rejects.toThrow();
  });
});
