/**
 * A remote MCP client (`--remote`, or `mcp: { remote: true }` in .beadboard.yml) never gets
 * private or secret beads or private memory: not in list, ready, show, log, lint, resources or
 * memory_read. A local client on the same board sees everything.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { errorText, startMcp, structured, type McpSession } from "./support.js";

let board: TempBoard;
let remote: McpSession;

beforeAll(async () => {
  board = await makeTempBoard({
    "beads/open-one.md": beadText(["title: Public work", "sensitivity: public"]),
    "beads/payroll.md": beadText(["title: Payroll run", "sensitivity: private"], "Salaries of the team.\n"),
    "beads/keys.md": beadText(["title: Rotate keys", "sensitivity: secret", "status: [broken"]),
    // Declared public, but its result was built from a private bead: the marker makes it private.
    "beads/summary.md": beadText(["title: Summarise the quarter", "sensitivity: public", "status: done"], "## Result\n<!-- sensitivity: private -->\nPayroll grew 4%.\n"),
    "memory/MEMORY.md": "# Shared memory\n\n## 2026-01-01\n\n- Public fact (open-one)\n",
    "memory/clerk.md": "# Memory of clerk\n\n## 2026-01-01\n\n- Salary bands live in payroll.xlsx (payroll)\n",
  });
  remote = await startMcp(board.dir, ["--remote", "--as", "visitor"]);
});

afterAll(async () => {
  await remote?.close();
  await board?.cleanup();
});

const ids = (result: { beads: Array<{ id: string }> }) => result.beads.map((bead) => bead.id).sort();

describe("a remote MCP client", () => {
  it("lists and reads only beads within policy.remote_max", async () => {
    expect(ids(structured(await remote.call("list")))).toEqual(["open-one"]);
    expect(ids(structured(await remote.call("ready")))).toEqual(["open-one"]);
    expect(errorText(await remote.call("show", { id: "payroll" }))).toBe("E_NOT_FOUND: bead not found: payroll (no file beads/payroll.md)");
    expect(errorText(await remote.call("log", { id: "payroll" }))).toMatch(/^E_NOT_FOUND/);
    expect(structured<{ problems: unknown[] }>(await remote.call("lint")).problems).toEqual([]);
    const { resources } = await remote.client.listResources();
    expect(resources.map((resource) => resource.uri).filter((uri) => uri.startsWith("bead://"))).toEqual(["bead://open-one"]);
    await expect(remote.client.readResource({ uri: "bead://payroll" })).rejects.toThrow(/bead not found: payroll/);
  });

  it("never gets a bead whose result derives from a private one, however it is declared", async () => {
    expect(ids(structured(await remote.call("list", { status: ["done"] })))).toEqual([]);
    expect(errorText(await remote.call("show", { id: "summary" }))).toMatch(/^E_NOT_FOUND: bead not found: summary/);
    expect(structured<{ hits: unknown[] }>(await remote.call("search", { query: "payroll" })).hits).toEqual([]);
    const { resources } = await remote.client.listResources();
    expect(resources.map((resource) => resource.uri)).not.toContain("bead://summary");
    await expect(remote.client.readResource({ uri: "bead://summary" })).rejects.toThrow(/bead not found: summary/);
  });

  it("may not claim, update or depend on what it cannot see, and nothing is written", async () => {
    const before = board.git(["rev-parse", "HEAD"]);
    expect(errorText(await remote.call("claim", { id: "payroll" }))).toMatch(/^E_NOT_FOUND/);
    expect(errorText(await remote.call("update", { id: "payroll", fields: { priority: 0 } }))).toMatch(/^E_NOT_FOUND/);
    expect(errorText(await remote.call("dep_add", { id: "open-one", blocker: "payroll" }))).toMatch(/^E_NOT_FOUND/);
    expect(board.git(["rev-parse", "HEAD"])).toBe(before);
  });

  it("reads shared memory but not memory learned on a private bead", async () => {
    expect(structured<{ text: string }>(await remote.call("memory_read")).text).toContain("Public fact");
    expect(errorText(await remote.call("memory_read", { agent: "clerk" }))).toMatch(/^E_GATE: memory\/clerk\.md \(a note from private bead payroll\) is private; this client is remote/);
  });

  it("a local client sees everything; a board policy makes every client remote", async () => {
    const local = await startMcp(board.dir, ["--as", "insider"]);
    try {
      expect(ids(structured(await local.call("list")))).toEqual(["open-one", "payroll", "summary"]);
      expect(structured<{ bead: { id: string } }>(await local.call("show", { id: "summary" })).bead.id).toBe("summary");
      expect(structured<{ text: string }>(await local.call("memory_read", { agent: "clerk" })).text).toContain("Salary bands");
    } finally {
      await local.close();
    }
    board.write(".beadboard.yml", "mcp:\n  remote: true\n");
    const byPolicy = await startMcp(board.dir, ["--as", "insider"]);
    try {
      expect(ids(structured(await byPolicy.call("list")))).toEqual(["open-one"]);
    } finally {
      await byPolicy.close();
    }
  });
});
