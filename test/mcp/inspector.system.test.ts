/**
 * A client nobody here wrote accepts the server: the MCP Inspector's CLI (a devDependency, run
 * from node_modules, never fetched) lists the tools of `bead mcp` and calls one.
 */
import { execFile } from "node:child_process";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { gitEnv, makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { TOOLS } from "../../src/mcp/schemas.js";
import { assertBuilt, BEAD_BIN } from "./support.js";

const INSPECTOR = realpathSync(fileURLToPath(new URL("../../node_modules/.bin/mcp-inspector", import.meta.url)));

let board: TempBoard;

beforeAll(async () => {
  assertBuilt();
  board = await makeTempBoard({ "beads/alpha.md": beadText(["title: Alpha"]) });
});

afterAll(async () => {
  await board?.cleanup();
});

function inspector(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [INSPECTOR, "--cli", process.execPath, BEAD_BIN, "mcp", ...args],
      // Offline: npm's registry is never asked, and no proxy could be reached anyway.
      { cwd: board.dir, env: { ...process.env, ...gitEnv(), npm_config_offline: "true", BEAD_HOST: "test" }, timeout: 60_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

describe("the MCP Inspector CLI against bead mcp", () => {
  it("lists every tool", async () => {
    const listed = JSON.parse(await inspector(["--method", "tools/list"])) as { tools: Array<{ name: string }> };
    expect(listed.tools.map((tool) => tool.name).sort()).toEqual(Object.keys(TOOLS).sort());
  }, 60_000);

  it("calls a tool and gets the structured answer", async () => {
    const called = JSON.parse(await inspector(["--method", "tools/call", "--tool-name", "show", "--tool-arg", "id=alpha"])) as { structuredContent: { bead: { title: string } } };
    expect(called.structuredContent.bead.title).toBe("Alpha");
  }, 60_000);
});
