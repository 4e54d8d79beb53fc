/**
 * Result kept at write-back (issue 14, item 10): a person saves an invalid bead while the agent
 * works; the result is kept, not lost, and written back (ending the claim) as soon as the file
 * reads again: by the running `bead up` at once, or by the next one.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { supervise } from "../../src/agent/supervisor.js";
import { boardPaths } from "../../src/board/paths.js";
import { gitEnv } from "../helpers/temp-board.js";
import { agentFile, beadFile, makeRig, replyJson, type Rig } from "./policy-support.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const BROKEN = "---\ntitle: [unclosed\n---\nmid-edit\n";

/** A board whose model reply comes after a person's editor saved a broken bead file. */
async function brokenWhileWorking(): Promise<Rig> {
  const made = await makeRig(
    ({ local }) => ({
      "agents/homebody.md": agentFile({ name: "homebody", host: local, takes: "{ labels: [home] }" }),
      "beads/bb-1.md": beadFile(["title: Write the summary", "labels: [home]"], "Summarise.\n"),
    }),
    {
      local: () => {
        made.board.write("beads/bb-1.md", BROKEN);
        return replyJson("THE-VALUABLE-RESULT");
      },
    },
  );
  rig = made;
  return made;
}

const attemptsDir = (r: Rig) => join(r.board.dir, ".git", "beadboard", "attempts");
const pendingFiles = (r: Rig) => readdirSync(attemptsDir(r)).filter((name) => name.endsWith(".pending.json"));

describe("result kept at write-back", () => {
  it("keeps the result under .git/beadboard/attempts/ and says how to recover", async () => {
    const r = await brokenWhileWorking();
    await r.run();
    const kept = readdirSync(attemptsDir(r)).filter((name) => name.endsWith(".md"));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/^bb-1-/);
    expect(readFileSync(join(attemptsDir(r), kept[0]!), "utf8")).toContain("THE-VALUABLE-RESULT");
    expect(pendingFiles(r)).toEqual(["bb-1.homebody.pending.json"]);
    expect(r.logs.join("\n")).toMatch(/bb-1: result not written: .*kept in .*attempts.*Fix beads\/bb-1\.md.*written back and the claim ended as soon as the file reads again/);
    expect(r.board.read("beads/bb-1.md")).toBe(BROKEN); // the person's save is untouched
    // doctor says what waits, and how to go on; once written back, it says none.
    const { runCli } = await import("../helpers/cli.js");
    const doctor = await runCli(["doctor", "--json"], { cwd: r.board.dir, env: gitEnv() });
    const waiting = (JSON.parse(doctor.stdout) as Array<{ name: string; ok: boolean; detail: string }>).find((check) => check.name === "kept results");
    expect(waiting).toMatchObject({ ok: false });
    expect(waiting?.detail).toMatch(/^bb-1 \(homebody\): kept in .*attempts\/bb-1-.*\.md; make the bead file readable/);
  });

  it("the next bead up writes it back once the person fixed the file: done, the claim ended, nothing asked twice", async () => {
    const r = await brokenWhileWorking();
    await r.run();
    // The person fixes the file (here: back to the committed version, which holds our claim).
    r.board.git(["checkout", "--", "beads/bb-1.md"]);
    expect(r.board.read("beads/bb-1.md")).toMatch(/^status: claimed$/m);
    await r.run();
    const text = r.board.read("beads/bb-1.md");
    expect(text).toMatch(/^status: done$/m);
    expect(text).not.toMatch(/^lease_until:/m);
    expect(text).toContain("THE-VALUABLE-RESULT");
    expect(r.local.requests.filter((request) => request.path === "/api/chat")).toHaveLength(1);
    expect(pendingFiles(r)).toEqual([]);
    expect(r.logs.join("\n")).toMatch(/bb-1: the file reads again; the kept result is written back \(done\) and the claim ended/);
    expect(r.metrics().filter((m) => m.event === "result_restored")).toHaveLength(1);
    const { listPendingWriteBacks } = await import("../../src/agent/kept-result.js");
    expect(listPendingWriteBacks(join(r.board.dir, ".git", "beadboard"))).toEqual([]); // what doctor lists
  });

  it("a running bead up writes it back as soon as the file is fixed, long before the lease lapses", async () => {
    const r = await brokenWhileWorking();
    let stop: () => void = () => undefined;
    const running = supervise({
      paths: boardPaths(r.board.dir),
      env: { ...gitEnv(), BEAD_HOST: "testhost", BEAD_ACTOR: "Test Agent <agent@beadboard.test>" },
      once: false,
      log: (line) => r.logs.push(line),
      stopSignal: new Promise<void>((resolve) => (stop = resolve)),
    });
    try {
      await expect.poll(() => r.logs.some((line) => line.includes("bb-1: result not written")), { timeout: 15_000 }).toBe(true);
      r.board.git(["checkout", "--", "beads/bb-1.md"]);
      await expect.poll(() => /^status: done$/m.test(r.board.read("beads/bb-1.md")) && pendingFiles(r).length === 0, { timeout: 15_000 }).toBe(true);
    } finally {
      stop();
      await running;
    }
    expect(r.board.read("beads/bb-1.md")).toContain("THE-VALUABLE-RESULT");
  });

  it("when the person's fix gave the bead back (status open), the result is added as a late section; a deleted bead drops the pending write", async () => {
    const r = await brokenWhileWorking();
    await r.run();
    r.board.write("beads/bb-1.md", beadFile(["title: Write the summary, reworded", "labels: [home]", "status: cancelled"], "Changed my mind.\n"));
    await r.run();
    const text = r.board.read("beads/bb-1.md");
    expect(text).toMatch(/^status: cancelled$/m);
    expect(text).toMatch(/## Late result from homebody/);
    expect(text).toContain("THE-VALUABLE-RESULT");
    expect(pendingFiles(r)).toEqual([]);

    // A pending write-back for a bead the person then deletes.
    await r.close();
    rig = undefined;
    const r2 = await brokenWhileWorking();
    await r2.run();
    r2.board.git(["rm", "-q", "-f", "beads/bb-1.md"]);
    await r2.run();
    expect(pendingFiles(r2)).toEqual([]);
    expect(r2.logs.join("\n")).toMatch(/bb-1: the bead was deleted; its kept result stays in .*attempts/);
    expect(existsSync(attemptsDir(r2))).toBe(true);
  });
});

describe("a result finished after HEAD moved to a person's branch", () => {
  it("is kept (never committed on the person's branch) and written back on main by the next look there", async () => {
    const { execFileSync } = await import("node:child_process");
    const { workBead } = await import("../../src/agent/worker.js");
    const { writeKeptResults } = await import("../../src/agent/kept-result.js");
    const { workerEnvFor, HOST } = await import("./support.js");
    const { localClaimer } = await import("../../src/agent/claimer.js");
    let dir = "";
    const r = (rig = await makeRig(
      ({ local }) => ({
        "agents/homebody.md": agentFile({ name: "homebody", host: local, takes: "{ labels: [home] }" }),
        "beads/bb-1.md": beadFile(["title: Write the summary", "labels: [home]"], "Summarise.\n"),
      }),
      {
        local: () => {
          execFileSync("git", ["checkout", "-q", "-b", "other"], { cwd: dir });
          return replyJson("THE-VALUABLE-RESULT");
        },
      },
    ));
    dir = r.board.dir;
    const env = await workerEnvFor(dir, "homebody");
    const mainCtx = { ...env.ctx, branchRef: "refs/heads/main" };
    const onMain = { ...env, ctx: mainCtx, claimer: localClaimer(mainCtx, HOST) };
    const logs: string[] = [];
    onMain.log = (line) => logs.push(line);
    await workBead(onMain, "bb-1", new AbortController().signal);
    expect(r.board.git(["log", "-1", "--format=%s", "other"]).trim()).toBe("claim bb-1 by homebody");
    expect(logs.join("\n")).toMatch(/bb-1: result not written: HEAD moved from refs\/heads\/main to refs\/heads\/other.*kept in .*The next bead up on the board's branch writes it back/);
    expect(pendingFiles(r)).toEqual(["bb-1.homebody.pending.json"]);

    r.board.git(["checkout", "-q", "main"]);
    const written = await writeKeptResults({ stateDir: onMain.ctx.paths.stateDir, root: dir, agent: "homebody", writeBack: (id, agent, work) => onMain.claimer.writeBack(id, agent, work), publish: async () => undefined, log: (line) => logs.push(line), metrics: onMain.metrics, said: new Set() });
    expect(written).toBe(1);
    expect(r.board.read("beads/bb-1.md")).toMatch(/^status: done$/m);
    expect(r.board.git(["show", "main:beads/bb-1.md"])).toContain("THE-VALUABLE-RESULT");
    expect(r.board.git(["log", "-1", "--format=%s", "other"]).trim()).toBe("claim bb-1 by homebody");
  });
});
