/**
 * Fair work across clones (issue 13), with real OS processes: 3 clones of one board on the
 * smart-HTTP git server (test/helpers/git-server.ts), each running the built `bead up --once`
 * with one builtin agent over the same beads. Read from the server's own history: every bead
 * done exactly once, every result present, every clone did a share of the work, and no merge
 * commits (local results are replayed on the remote's tip). Before
 * the fix one clone did everything: every clone tried the same bead first and the others
 * stopped after a pass of lost races.
 *
 * No timing assertions: what is checked is who did the work, not how fast.
 */
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { BEAD_BIN } from "../helpers/cli.js";
import { gitEnv, runGit } from "../helpers/temp-board.js";
import { beadFile, startSyncRig, TOKEN, type SyncRig } from "../git/sync-support.js";

const CLONES = 3;
const BEADS = 24;
const REPORTER = "---\nname: reporter\nprovider: builtin\naction: report\ntakes: { labels: [report] }\n---\nReports.\n";

function beadUpOnce(dir: string, host: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BEAD_BIN, "up", "--once"], {
      cwd: dir,
      env: { ...process.env, ...gitEnv(), BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0", BEAD_HOST: host, BEAD_ACTOR: `${host} <${host}@test>` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("bead up --once on clones of one synced board", () => {
  let rig: SyncRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it("spreads the beads across the clones: each does some, none twice, none lost", async () => {
    const files: Record<string, string> = { "agents/reporter.md": REPORTER };
    for (let i = 0; i < BEADS; i++) files[`beads/fs-${i}.md`] = beadFile(`Report ${i}`, ["labels: [report]"]);
    rig = await startSyncRig(files);
    const clones = [];
    for (let c = 0; c < CLONES; c++) clones.push(await rig.clone(`c${c}`));
    const runs = await Promise.all(clones.map((clone, c) => beadUpOnce(clone.dir, `host${c}`)));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    // What a clone could not push during the run (push deferred) goes out with one more sync.
    for (const [c, clone] of clones.entries()) {
      const sync = await new Promise<number | null>((resolve) =>
        spawn(process.execPath, [BEAD_BIN, "sync"], { cwd: clone.dir, env: { ...process.env, ...gitEnv(), BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0", BEAD_HOST: `host${c}` }, stdio: "ignore" }).on("close", resolve),
      );
      expect(sync).toBe(0);
    }
    const bare = rig.server.barePath(rig.repo);
    const log = (await runGit(bare, ["log", "--format=%ae|%s", "main"])).trim().split("\n").map((line) => line.split("|") as [string, string]);
    const results = log.filter(([, subject]) => /^done fs-\d+$/.test(subject));
    const perBead = new Map<string, number>();
    for (const [, subject] of results) perBead.set(subject, (perBead.get(subject) ?? 0) + 1);
    expect([...perBead.values()].filter((n) => n > 1)).toEqual([]);
    expect(perBead.size).toBe(BEADS);
    for (let i = 0; i < BEADS; i++) expect(await rig.serverFile(`beads/fs-${i}.md`)).toMatch(/^status: done$/m);
    const shares = clones.map((_, c) => results.filter(([email]) => email.endsWith(`@host${c}.beadboard`)).length);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(BEADS);
    // Every clone did some of the work (the issue: one clone did all of it).
    for (const share of shares) expect(share, `results per clone: ${shares.join(", ")}`).toBeGreaterThan(0);
    // Each clone's results were replayed on the others' commits, never merged: a straight history.
    expect(await runGit(bare, ["log", "--merges", "--format=%s", "main"])).toBe("");
  }, 240_000);
});
