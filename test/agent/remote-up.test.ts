import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { beadFile, startSyncRig, TOKEN, type SyncRig } from "../git/sync-support.js";
import { REPORTER } from "./support.js";

/** `bead up`, `bead claim` and `bead doctor` on a board that syncs through a smart-HTTP server. */
describe("agents on a synced board", () => {
  let rig: SyncRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  const env = (extra: NodeJS.ProcessEnv = {}) => ({ BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0", BEAD_HOST: "test", BEAD_REMOTE_TIMEOUT_MS: "5000", ...extra });

  it("bead up --once claims through the server and pushes the result", async () => {
    rig = await startSyncRig({ "agents/reporter.md": REPORTER, "beads/rep.md": beadFile("Status please", ["labels: [report]"]) });
    const a = await rig.clone("a");
    const run = await runCli(["up", "--once"], { cwd: a.dir, env: env({ BEAD_ACTOR: "a <a@test>" }) });
    expect(run.stderr).not.toMatch(/sync failed|deferred/);
    expect(run.code).toBe(0);
    const log = await rig.serverLog();
    expect(log).toContain("claim rep by reporter");
    expect(log).toContain("done rep");
    expect(await rig.serverFile("beads/rep.md")).toMatch(/status: done[\s\S]*## Result\n/);
    expect((await a.git(["status", "--porcelain"])).trim()).toBe("");
  });

  it("bead claim on a stale clone is refused by what the server already accepted, naming the holder", async () => {
    rig = await startSyncRig({ "beads/x.md": beadFile("Shared work") });
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    const first = await runCli(["claim", "x", "--as", "alice"], { cwd: a.dir, env: env() });
    expect(first.code).toBe(0);
    const second = await runCli(["claim", "x", "--as", "bob"], { cwd: b.dir, env: env() });
    expect(second.code).toBe(3);
    expect(second.stderr).toContain("alice@test");
    const claims = (await rig.serverLog()).filter((subject) => subject.startsWith("claim x"));
    expect(claims).toEqual(["claim x by alice"]);
  });

  it("with the server down, bead claim fails, claims nothing, and says why", async () => {
    rig = await startSyncRig({ "beads/x.md": beadFile("Shared work") });
    const a = await rig.clone("a");
    rig.server.setDown(true);
    const run = await runCli(["claim", "x", "--as", "alice"], { cwd: a.dir, env: env() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/unreachable|ECONN|no answer/i);
    expect(a.read("beads/x.md")).not.toContain("status: claimed");
    rig.server.setDown(false);
    expect((await runCli(["claim", "x", "--as", "alice"], { cwd: a.dir, env: env() })).code).toBe(0);
  });

  it("bead doctor checks the remote and the token", async () => {
    rig = await startSyncRig({ "beads/x.md": beadFile("Shared work") });
    const a = await rig.clone("a");
    const good = await runCli(["doctor", "--json"], { cwd: a.dir, env: env() });
    const goodRemote = (JSON.parse(good.stdout) as Array<{ name: string; ok: boolean; detail: string }>).find((check) => check.name === "remote");
    expect(goodRemote?.ok).toBe(true);
    const bad = await runCli(["doctor", "--json"], { cwd: a.dir, env: env({ BEAD_TOKEN: "wrong" }) });
    const badRemote = (JSON.parse(bad.stdout) as Array<{ name: string; ok: boolean; detail: string }>).find((check) => check.name === "remote");
    expect(badRemote?.ok).toBe(false);
    expect(badRemote?.detail).toContain("BEAD_TOKEN");
    expect(bad.stdout).not.toContain("wrong");
    expect(bad.code).toBe(1);
  });
});
