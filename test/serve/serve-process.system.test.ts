import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { BEAD_BIN, runBeadProcess } from "../helpers/cli.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards, gitEnv, makeTempBoard } from "../helpers/temp-board.js";
import { httpRequest } from "./http-client.js";

afterEach(cleanupTempBoards);

/** The installed `bead serve` as a real process: it serves, and SIGINT or SIGTERM stops it cleanly. */
describe("bead serve (process)", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`serves the board and exits 0 on ${signal}`, async () => {
      const board = await makeTempBoard({ "beads/a.md": beadText(["title: A", "status: open"], "") });
      const child = spawn(process.execPath, [BEAD_BIN, "serve", "--port", "0", "-C", board.dir], { env: gitEnv(), stdio: ["ignore", "pipe", "pipe"] });
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString("utf8");
          const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child.on("exit", (code) => reject(new Error(`bead serve exited early (${String(code)})`)));
      });
      const answer = await httpRequest(`${url}api/board`);
      expect(JSON.parse(answer.body).cards).toHaveLength(1);
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.kill(signal);
      expect(await exited).toBe(0);
    });
  }

  it("refuses --host without a token, saying what to add", async () => {
    const board = await makeTempBoard({});
    const run = await runBeadProcess(["serve", "--host", "0.0.0.0", "--port", "0", "-C", board.dir], { cwd: board.dir, env: gitEnv() });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--token");
  });
});
