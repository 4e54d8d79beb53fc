/** `bead doctor` starts `bead mcp` as a client would and lists its tools; a server that does not start fails the check. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkMcpServer } from "../../src/mcp/doctor-check.js";
import { TOOLS } from "../../src/mcp/schemas.js";
import { runCli } from "../helpers/cli.js";
import { cleanupTempBoards, gitEnv, makeTempBoard } from "../helpers/temp-board.js";
import { assertBuilt, BEAD_BIN } from "./support.js";

afterEach(cleanupTempBoards);

describe("bead doctor's check of bead mcp", () => {
  it("passes when the server starts and lists every tool", async () => {
    assertBuilt();
    const board = await makeTempBoard({});
    const run = await runCli(["doctor", "-C", board.dir, "--json"], { cwd: board.dir });
    const checks = JSON.parse(run.stdout) as Array<{ name: string; ok: boolean; detail: string }>;
    expect(checks.find((check) => check.name === "bead mcp")).toEqual({ name: "bead mcp", ok: true, detail: `starts and lists ${Object.keys(TOOLS).length} tools` });
    expect((await checkMcpServer(BEAD_BIN, board.dir, gitEnv())).ok).toBe(true);
  });

  it("fails, saying why, when what it starts is no MCP server", async () => {
    const board = await makeTempBoard({});
    const impostor = join(board.dir, "impostor.mjs");
    writeFileSync(impostor, 'console.error("bead: cannot start: broken install"); process.exit(1);\n');
    const check = await checkMcpServer(impostor, board.dir, gitEnv(), 5_000);
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/^does not start: /);
    expect(await checkMcpServer("", board.dir, gitEnv())).toEqual({ ok: false, detail: "this installation's bin/bead.js was not found" });
  });
});
