/**
 * N real OS processes race to claim every bead of a 200-bead board, each in its own random
 * order. Git history (read by the system git CLI) must show exactly one claim per bead, and
 * what each process was told must agree with that history exactly.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";
import { assertBuilt, beadFiles, claimCommits, history, HOST, repoHealth, spawnActor, type Actor } from "./support.js";

const BEADS = 200;

beforeAll(assertBuilt);
afterEach(cleanupTempBoards);

async function race(processes: number): Promise<void> {
  const board = await makeTempBoard(beadFiles(BEADS));
  const ids = Object.keys(beadFiles(BEADS)).map((path) => path.slice("beads/".length, -".md".length));
  const started = Date.now();
  const actors: Actor[] = [];
  for (let p = 1; p <= processes; p++) actors.push(spawnActor(["race", board.dir, `p${p}`, String(p * 7919 + processes)]));
  await Promise.all(actors.map((actor) => actor.waitFor("ready")));
  const ready = Date.now();
  for (const actor of actors) actor.send("go");
  const codes = await Promise.all(actors.map((actor) => actor.exited));
  const elapsed = Date.now() - ready;
  console.log(`race: ${processes} processes x ${BEADS} beads: ${elapsed} ms of claiming (${ready - started} ms to start)`);
  actors.forEach((actor, i) => expect(codes[i], `p${i + 1} stderr: ${actor.stderr()}`).toBe(0));

  // Every process tried every bead once, and every refusal was a clean "claim refused" (exit 3).
  for (const actor of actors) {
    const attempts = actor.attempts();
    expect(attempts.map((a) => a.id).sort()).toEqual(ids);
    const unexpected = attempts.filter((a) => !a.ok && a.exit !== 3);
    expect(unexpected, JSON.stringify(unexpected.slice(0, 3))).toEqual([]);
  }

  // History: exactly one claim commit per bead, each touching only that bead.
  const commits = await history(board.dir);
  expect(commits[0]?.subject).toBe("initial board");
  const claims = claimCommits(commits);
  expect(commits.length).toBe(claims.length + 1);
  expect(claims.map((c) => c.id).sort()).toEqual(ids);
  const winner = new Map(claims.map((c) => [c.id, c]));
  expect(winner.size).toBe(BEADS);
  // A linear chain: each claim built on the one before (the ref compare-and-swap held).
  commits.slice(1).forEach((commit, i) => expect(commit.parents).toEqual([commits[i]!.oid]));

  // Each process's successes are exactly its commits in history; each refusal names the winner.
  for (const actor of actors) {
    const agent = actor.attempts()[0]!.agent;
    const won = actor.attempts().filter((a) => a.ok);
    expect(won.map((a) => `${a.id} ${String(a.commit)}`).sort()).toEqual(
      claims.filter((c) => c.agent === agent).map((c) => `${c.id} ${c.oid}`).sort(),
    );
    for (const refused of actor.attempts().filter((a) => !a.ok)) {
      expect(refused.holder, refused.id).toBe(`${winner.get(refused.id)!.agent}@${HOST}`);
    }
  }

  // The files on disk agree with history, and the repository is healthy and clean.
  for (const id of ids) {
    const text = readFileSync(join(board.dir, "beads", `${id}.md`), "utf8");
    expect(text).toContain(`claimed_by: ${winner.get(id)!.agent}@${HOST}\n`);
  }
  expect(await repoHealth(board.dir)).toEqual({ fsck: "", status: "" });
  expect(board.git(["rev-parse", "HEAD"]).trim()).toBe(commits.at(-1)!.oid);
  const perProcess = actors.map((actor) => actor.attempts().filter((a) => a.ok).length);
  console.log(`race: ${processes} processes: wins per process ${perProcess.join(", ")}`);
}

describe("claim race between real processes", () => {
  it("2 processes: every bead claimed exactly once", async () => race(2), 120_000);
  it("4 processes: every bead claimed exactly once", async () => race(4), 180_000);
  it("8 processes: every bead claimed exactly once", async () => race(8), 240_000);
});
