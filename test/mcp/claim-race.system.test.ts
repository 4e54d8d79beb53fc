/**
 * Two MCP clients (two `bead mcp` processes) and one CLI process race to claim the same 50
 * beads, each in its own order: every bead has exactly one winner, the losers are told who holds
 * it, and git's history holds exactly one claim commit per bead.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { gitEnv, makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { startMcp, type McpSession } from "./support.js";

const CLI_CLAIMER = fileURLToPath(new URL("./fixtures/cli-claimer.mjs", import.meta.url));
const COUNT = 50;
const ids = Array.from({ length: COUNT }, (_, i) => `race-${String(i).padStart(2, "0")}`);

let board: TempBoard;
const sessions: McpSession[] = [];

beforeAll(async () => {
  board = await makeTempBoard(Object.fromEntries(ids.map((id) => [`beads/${id}.md`, beadText([`title: ${id}`])])));
  sessions.push(await startMcp(board.dir, ["--as", "mcp1"]), await startMcp(board.dir, ["--as", "mcp2"]));
});

afterAll(async () => {
  for (const session of sessions) await session.close();
  await board?.cleanup();
});

interface Attempt {
  who: string;
  id: string;
  ok: boolean;
  message: string;
}

function cliProcess(order: string[]): Promise<Attempt[]> {
  const child = spawn(process.execPath, [CLI_CLAIMER, board.dir, "cli", order.join(",")], { env: { ...gitEnv(), BEAD_HOST: "test" }, stdio: ["ignore", "pipe", "inherit"] });
  const attempts: Attempt[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    const parsed = JSON.parse(line) as { id: string; ok: boolean; err: string };
    attempts.push({ who: "cli", id: parsed.id, ok: parsed.ok, message: parsed.err });
  });
  return new Promise((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve(attempts) : reject(new Error(`cli claimer exited ${String(code)}`)))));
}

async function mcpClaims(session: McpSession, who: string, order: string[]): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  for (const id of order) {
    const result = await session.call("claim", { id });
    const first = result.content[0];
    attempts.push({ who, id, ok: result.isError !== true, message: first && first.type === "text" ? first.text : "" });
  }
  return attempts;
}

describe("two MCP clients and one CLI process claim the same 50 beads", () => {
  it("exactly one winner per bead, the losers told who holds it", async () => {
    const reversed = [...ids].reverse();
    const interleaved = ids.filter((_, i) => i % 2 === 0).concat(ids.filter((_, i) => i % 2 === 1));
    const results = (await Promise.all([mcpClaims(sessions[0]!, "mcp1", ids), mcpClaims(sessions[1]!, "mcp2", reversed), cliProcess(interleaved)])).flat();
    expect(results).toHaveLength(3 * COUNT);
    for (const id of ids) {
      const forBead = results.filter((attempt) => attempt.id === id);
      const winners = forBead.filter((attempt) => attempt.ok);
      expect(winners, id).toHaveLength(1);
      for (const loser of forBead.filter((attempt) => !attempt.ok)) expect(loser.message).toContain(`${winners[0]!.who}@test`);
      expect(board.read(`beads/${id}.md`)).toContain(`claimed_by: ${winners[0]!.who}@test`);
    }
    const claimCommits = board.git(["log", "--format=%s"]).split("\n").filter((subject) => subject.startsWith("claim "));
    expect(claimCommits).toHaveLength(COUNT);
    expect(new Set(claimCommits.map((subject) => subject.split(" ")[1])).size).toBe(COUNT);
    board.git(["fsck", "--no-progress"]);
    // Every party won some: the race was real, not three queues one after another.
    const wins = new Set(results.filter((attempt) => attempt.ok).map((attempt) => attempt.who));
    expect(wins.size).toBeGreaterThan(1);
  }, 120_000);
});
