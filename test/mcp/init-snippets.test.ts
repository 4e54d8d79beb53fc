/**
 * `bead init` tells coding agents about `bead mcp`: it writes `.mcp.json` (Claude Code) and
 * `.qwen/settings.json` (Qwen Code) when missing, adds our server to a plain-JSON one the person
 * has (keeping everything of theirs), and leaves a file with comments byte for byte, printing the
 * block to add.
 */
import { afterEach, describe, expect, it } from "vitest";
import { MCP_SERVER, withMcpServer } from "../../src/board/mcp-clients.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard, lastCommitFiles } from "../cli/support.js";

afterEach(cleanupTempBoards);

const THEIRS = { mcpServers: { github: { command: "gh-mcp", args: ["--stdio"] } }, other: true };

describe("bead init and MCP clients", () => {
  it("writes both client configs, naming `bead mcp` through npx without installing anything", async () => {
    const board = await cliBoard({ "README.md": "# x\n" });
    expect((await board.bead(["init"])).code).toBe(0);
    for (const path of [".mcp.json", ".qwen/settings.json"]) {
      expect(JSON.parse(board.read(path))).toEqual({ mcpServers: { beadboard: { command: "npx", args: ["--no-install", "bead", "mcp"] } } });
      expect(lastCommitFiles(board)).toContain(path);
    }
    expect(board.read("AGENTS.md")).toContain("bead mcp");
  });

  it("adds beadboard to the person's .mcp.json, keeping their servers, keys and indentation", async () => {
    const board = await cliBoard({ ".mcp.json": `${JSON.stringify(THEIRS, null, 4)}\n` });
    expect((await board.bead(["init"])).code).toBe(0);
    const merged = board.read(".mcp.json");
    expect(JSON.parse(merged)).toEqual({ ...THEIRS, mcpServers: { ...THEIRS.mcpServers, beadboard: MCP_SERVER } });
    expect(merged).toMatch(/^ {4}"mcpServers"/m);
    const head = board.head();
    expect((await board.bead(["init"])).stdout).toMatch(/already set up/);
    expect(board.head()).toBe(head);
  });

  it("leaves a .qwen/settings.json with comments as it is and says what to add", async () => {
    const jsonc = '{\n  // my settings\n  "theme": "dark"\n}\n';
    const board = await cliBoard({ ".qwen/settings.json": jsonc });
    const run = await board.bead(["init"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^bead: \.qwen\/settings\.json is not plain JSON \(comments\?\); left as it is: add \{"beadboard":\{"command":"npx"/m);
    expect(board.read(".qwen/settings.json")).toBe(jsonc);
  });

  it("never replaces a beadboard server the person configured, nor a malformed mcpServers", () => {
    const custom = JSON.stringify({ mcpServers: { beadboard: { command: "/opt/bead", args: ["mcp", "--remote"] } } });
    expect(withMcpServer(".mcp.json")(custom)).toBeUndefined();
    expect(withMcpServer(".mcp.json")(JSON.stringify({ mcpServers: [] }))).toEqual({ note: ".mcp.json: mcpServers is not an object; left as it is" });
    expect(withMcpServer(".mcp.json")("[1]")).toEqual({ note: ".mcp.json is not a JSON object; left as it is" });
  });
});
