import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkRemote, redactUrl } from "../../src/sync/remote.js";
import { syncBoard } from "../../src/sync/sync.js";
import { RemoteAuthError, RemoteNotFoundError, RemoteUnreachableError, type BeadboardError } from "../../src/errors.js";
import { runCli } from "../helpers/cli.js";
import { beadFile, remoteFor, startSyncRig, TOKEN, type SyncRig } from "./sync-support.js";

let rig: SyncRig;

beforeEach(async () => {
  rig = await startSyncRig({ "beads/bb-1.md": beadFile("First") });
});

afterEach(async () => {
  await rig.close();
});

async function failure(promise: Promise<unknown>): Promise<BeadboardError> {
  try {
    await promise;
  } catch (error) {
    return error as BeadboardError;
  }
  throw new Error("expected a failure");
}

describe("remote errors", () => {
  it("a wrong token: 401, naming the variable to set, never printing the token", async () => {
    const a = await rig.clone("a");
    const wrong = "wrong-token-value-42";
    const error = await failure(syncBoard(a.ctx, remoteFor(a.remote.url, { BEAD_TOKEN: wrong })));
    expect(error).toBeInstanceOf(RemoteAuthError);
    expect(error.code).toBe("E_AUTH");
    expect(error.message).toContain("BEAD_TOKEN");
    expect(error.message).toMatch(/401/);
    expect(error.message).not.toContain(wrong);
    expect(JSON.stringify(error.data)).not.toContain(wrong);
  });

  it("no token at all: says the variable is not set", async () => {
    const a = await rig.clone("a");
    const error = await failure(syncBoard(a.ctx, remoteFor(a.remote.url, {})));
    expect(error).toBeInstanceOf(RemoteAuthError);
    expect(error.message).toMatch(/BEAD_TOKEN is not set/);
  });

  it("a custom token variable is the one named", async () => {
    const a = await rig.clone("a");
    const remote = { ...remoteFor(a.remote.url, { FORGEJO_TOKEN: "nope" }), tokenEnv: "FORGEJO_TOKEN" };
    const error = await failure(syncBoard(a.ctx, remote));
    expect(error.message).toContain("FORGEJO_TOKEN");
    const ok = await syncBoard(a.ctx, { ...remote, env: { FORGEJO_TOKEN: TOKEN } });
    expect(ok.action).toBe("up-to-date");
  });

  it("a missing repository: 404, telling to create it", async () => {
    const a = await rig.clone("a");
    const error = await failure(syncBoard(a.ctx, remoteFor(rig.server.repoUrl("nope"))));
    expect(error).toBeInstanceOf(RemoteNotFoundError);
    expect(error.code).toBe("E_REMOTE_NOT_FOUND");
    expect(error.message).toMatch(/create it/);
  });

  it("an unreachable server, and credentials in the URL are never printed", async () => {
    const a = await rig.clone("a");
    rig.server.setDown(true);
    const url = a.remote.url.replace("http://", `http://x:${TOKEN}@`);
    const error = await failure(syncBoard(a.ctx, remoteFor(url)));
    expect(error).toBeInstanceOf(RemoteUnreachableError);
    expect(error.code).toBe("E_REMOTE_UNREACHABLE");
    expect(error.message).not.toContain(TOKEN);
    expect(redactUrl(url)).toBe(a.remote.url);
    rig.server.setDown(false);
    expect((await syncBoard(a.ctx, remoteFor(url, {}))).action).toBe("up-to-date");
  });

  it("checkRemote (for bead doctor) reports the tip, and the same errors", async () => {
    const a = await rig.clone("a");
    const check = await checkRemote(a.remote);
    expect(check.tip).toBe(await rig.serverTip());
    expect(await failure(checkRemote(remoteFor(a.remote.url, { BEAD_TOKEN: "bad" })))).toBeInstanceOf(RemoteAuthError);
    expect(await failure(checkRemote(remoteFor(rig.server.repoUrl("nope"))))).toBeInstanceOf(RemoteNotFoundError);
  });

  it("the CLI exits 1 with the message on stderr", async () => {
    const a = await rig.clone("a");
    const run = await runCli(["sync"], { cwd: a.dir, env: { BEAD_TOKEN: "bad-token-xyz" } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^bead: .*BEAD_TOKEN/);
    expect(run.stderr).not.toContain("bad-token-xyz");
  });

  it("a board with no remote is told how to add one", async () => {
    const a = await rig.clone("a");
    await a.git(["remote", "remove", "origin"]);
    const run = await runCli(["sync"], { cwd: a.dir, env: { BEAD_TOKEN: TOKEN } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no remote.*bead init --remote/);
  });
});
