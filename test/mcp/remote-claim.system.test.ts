/**
 * On a board that syncs through a smart-HTTP git server, a claim through `bead mcp` is the CLI's
 * claim: it counts only once the server accepted it, a stale clone's claim is refused by what the
 * server holds (naming the holder), and with the server down nothing is claimed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { beadFile, startSyncRig, TOKEN, type SyncRig } from "../git/sync-support.js";
import { errorText, startMcp, structured, type McpSession } from "./support.js";

const env = { BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0", BEAD_REMOTE_TIMEOUT_MS: "5000" };

describe("claims through bead mcp on a synced board", () => {
  let rig: SyncRig | undefined;
  const sessions: McpSession[] = [];
  afterEach(async () => {
    for (const session of sessions.splice(0)) await session.close();
    await rig?.close();
    rig = undefined;
  });

  it("push to the server; a stale clone's MCP client is refused, naming the holder", async () => {
    rig = await startSyncRig({ "beads/x.md": beadFile("Shared work") });
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    const alice = await startMcp(a.dir, ["--as", "alice"], "c", env);
    const bob = await startMcp(b.dir, ["--as", "bob"], "c", env);
    sessions.push(alice, bob);
    expect(structured<{ holder: string }>(await alice.call("claim", { id: "x" })).holder).toBe("alice@test");
    expect((await rig.serverLog()).filter((subject) => subject.startsWith("claim x"))).toEqual(["claim x by alice"]);
    expect(errorText(await bob.call("claim", { id: "x" }))).toMatch(/^E_CLAIM_REFUSED: .*alice@test/);
    expect((await rig.serverLog()).filter((subject) => subject.startsWith("claim x"))).toEqual(["claim x by alice"]);
  });

  it("with the server down the claim is a tool error, nothing is claimed, and the server keeps serving", async () => {
    rig = await startSyncRig({ "beads/x.md": beadFile("Shared work") });
    const a = await rig.clone("a");
    const alice = await startMcp(a.dir, ["--as", "alice"], "c", env);
    sessions.push(alice);
    rig.server.setDown(true);
    expect(errorText(await alice.call("claim", { id: "x" }))).toMatch(/^E_REMOTE/);
    expect(a.read("beads/x.md")).not.toContain("status: claimed");
    rig.server.setDown(false);
    expect(structured<{ holder: string }>(await alice.call("claim", { id: "x" })).holder).toBe("alice@test");
  });
});
