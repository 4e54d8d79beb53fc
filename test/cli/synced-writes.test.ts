/** On a synced board every write command is pushed, as `bead claim` is (docs/SYNC.md). */
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { beadFile, startSyncRig, TOKEN, type SyncRig } from "../git/sync-support.js";

describe("writes on a synced board", () => {
  let rig: SyncRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0", BEAD_HOST: "test", BEAD_REMOTE_TIMEOUT_MS: "5000", ...extra });

  it("new, set, dep, close, reopen and release each reach the server at once", async () => {
    rig = await startSyncRig({ "beads/x.md": beadFile("X"), "beads/y.md": beadFile("Y") });
    const a = await rig.clone("a");
    const run = async (args: string[]) => {
      const result = await runCli(args, { cwd: a.dir, env: env() });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      return result.stdout.trim();
    };
    const id = await run(["new", "Pushed at once"]);
    expect(await rig.serverFile(`beads/${id}.md`)).toContain("title: Pushed at once");
    await run(["set", "x", "priority=0"]);
    expect(await rig.serverFile("beads/x.md")).toMatch(/^priority: 0$/m);
    await run(["dep", "add", "x", "y"]);
    expect(await rig.serverFile("beads/x.md")).toMatch(/^deps: \[y\]$/m);
    await run(["dep", "rm", "x", "y"]);
    expect(await rig.serverFile("beads/x.md")).not.toMatch(/^deps: \[y\]$/m);
    await run(["claim", "y", "--as", "alice"]);
    await run(["close", "y"]);
    // The server showed a claim after `close` before: now it shows what the clone shows.
    expect(await rig.serverFile("beads/y.md")).toMatch(/^status: done$/m);
    await run(["reopen", "y"]);
    expect(await rig.serverFile("beads/y.md")).toMatch(/^status: open$/m);
    await run(["claim", "y", "--as", "alice"]);
    await run(["release", "y", "--as", "alice"]);
    expect(await rig.serverFile("beads/y.md")).toMatch(/^status: open$/m);
    expect((await a.git(["status", "--porcelain"])).trim()).toBe("");
  });

  it("BEAD_PUSH=0 keeps a write local; a server that is down leaves it committed with a note", async () => {
    rig = await startSyncRig({ "beads/x.md": beadFile("X") });
    const a = await rig.clone("a");
    const before = await rig.serverTip();
    expect((await runCli(["set", "x", "priority=1"], { cwd: a.dir, env: env({ BEAD_PUSH: "0" }) })).code).toBe(0);
    expect(await rig.serverTip()).toBe(before);
    await rig.server.close();
    const offline = await runCli(["close", "x"], { cwd: a.dir, env: env() });
    expect(offline.code).toBe(0);
    expect(offline.stderr).toMatch(/^bead: committed here but not pushed \(.+\); `bead sync` sends it$/m);
    expect(await a.git(["log", "-1", "--format=%s"])).toMatch(/^close x/);
  });
});
