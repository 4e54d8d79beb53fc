/**
 * A synced board pushes an acting agent's bead/<id> to its remote (a real smart-HTTP git server
 * on loopback) before the done commit; BEAD_PUSH=0 keeps it local; a rejected push is a note in
 * the result, never a failed bead.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runGit } from "../helpers/temp-board.js";
import { startOllamaDouble, type OllamaDouble } from "../helpers/ollama-double.js";
import { startSyncRig, TOKEN, type SyncRig } from "../git/sync-support.js";
import { superviseOnce } from "../agent/support.js";
import { FIXED, PROJECT, actingAgent, call, fixBead } from "./act-support.js";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beadText } from "../helpers/beads.js";
import { HARNESS, execAgentFile } from "../agent/exec-support.js";

let double: OllamaDouble;
let rig: SyncRig | undefined;
beforeEach(async () => {
  double = await startOllamaDouble();
});
afterEach(async () => {
  await double.close();
  await rig?.close();
  rig = undefined;
});

const SYNC_ENV = { BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0", BEAD_REMOTE_TIMEOUT_MS: "5000" };

async function syncedBoard(): Promise<SyncRig> {
  return startSyncRig({ "agents/codemonkey.md": actingAgent("codemonkey", double.url, ["edit_file"]), ...fixBead(), ...PROJECT });
}

/** The fix without running the tests (act.test.ts runs them): this file is about the push. */
const fixScript = () => [call("edit_file", { path: "sum.mjs", old_text: "a - b", new_text: "a + b" }), call("finish", { result: "Fixed sum.", outcome: "done" })];

const serverRef = async (server: SyncRig, ref: string) => (await runGit(server.server.barePath(server.repo), ["for-each-ref", "--format=%(objectname)", ref])).trim();

describe("a synced board and the work branch", () => {
  it("pushes bead/<id> to the remote before the bead is done there", async () => {
    rig = await syncedBoard();
    const a = await rig.clone("a");
    double.setReplies(fixScript());
    const { outcomes, logs } = await superviseOnce(a.dir, { env: SYNC_ENV });
    expect(outcomes, logs.join("\n")).toEqual({ codemonkey: { done: 1 } });
    const local = (await a.git(["rev-parse", "bead/bb-fix"])).trim();
    expect(await serverRef(rig, "refs/heads/bead/bb-fix")).toBe(local);
    expect(await runGit(rig.server.barePath(rig.repo), ["show", "bead/bb-fix:sum.mjs"])).toBe(FIXED);
    const onServer = await rig.serverFile("beads/bb-fix.md");
    expect(onServer).toMatch(/^status: done$/m);
    expect(onServer).toMatch(/^branch: bead\/bb-fix$/m);
    expect(onServer).toContain("Pushed `bead/bb-fix` to the board's remote.");
    // Another clone fetches the branch and finds the fix.
    const b = await rig.clone("b");
    const basic = Buffer.from(`x:${TOKEN}`).toString("base64");
    await b.git(["-c", `http.extraHeader=Authorization: Basic ${basic}`, "fetch", "-q", "origin", "bead/bb-fix:bead/bb-fix"]);
    expect(await b.git(["show", "bead/bb-fix:sum.mjs"])).toBe(FIXED);
  });

  it("an outside harness's branch (provider: exec) is pushed the same way", async () => {
    const outside = mkdtempSync(join(tmpdir(), "exec-push-"));
    try {
      const seen = join(outside, "seen");
      mkdirSync(seen);
      writeFileSync(join(outside, "harness.mjs"), HARNESS);
      rig = await startSyncRig({ "agents/outside.md": execAgentFile("edit", seen), "beads/bb-1.md": beadText(["title: Fix the app", "labels: [code]"], "Make src/app.txt say fixed.\n"), "src/app.txt": "broken\n" });
      const a = await rig.clone("a");
      const { outcomes, logs } = await superviseOnce(a.dir, { env: SYNC_ENV });
      expect(outcomes, logs.join("\n")).toEqual({ outside: { done: 1 } });
      expect(await serverRef(rig, "refs/heads/bead/bb-1")).toBe((await a.git(["rev-parse", "bead/bb-1"])).trim());
      expect(await runGit(rig.server.barePath(rig.repo), ["show", "bead/bb-1:src/app.txt"])).toBe("fixed\n");
      expect(await rig.serverFile("beads/bb-1.md")).toContain("Pushed `bead/bb-1` to the board's remote.");
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("BEAD_PUSH=0 keeps the branch local and says so in the result", async () => {
    rig = await syncedBoard();
    const a = await rig.clone("a");
    double.setReplies(fixScript());
    const { outcomes } = await superviseOnce(a.dir, { env: { ...SYNC_ENV, BEAD_PUSH: "0" } });
    expect(outcomes).toEqual({ codemonkey: { done: 1 } });
    expect(await serverRef(rig, "refs/heads/bead/bb-fix")).toBe("");
    expect(a.read("beads/bb-fix.md")).toContain("`bead/bb-fix` is not pushed yet (BEAD_PUSH=0).");
  });

  it("a rejected push (the remote's bead/<id> holds other work) is a note; the bead is still done", async () => {
    rig = await syncedBoard();
    const bare = rig.server.barePath(rig.repo);
    await runGit(bare, ["branch", "bead/bb-fix", "main"]);
    const other = await rig.clone("other");
    other.write("other.txt", "someone else's attempt\n");
    await other.git(["checkout", "-q", "bead/bb-fix"]);
    await other.git(["add", "-A"]);
    await other.git(["commit", "-qm", "other attempt"]);
    const basic = Buffer.from(`x:${TOKEN}`).toString("base64");
    await other.git(["-c", `http.extraHeader=Authorization: Basic ${basic}`, "push", "-q", "origin", "bead/bb-fix"]);
    const theirs = await serverRef(rig, "refs/heads/bead/bb-fix");

    const a = await rig.clone("a");
    double.setReplies(fixScript());
    const { outcomes, logs } = await superviseOnce(a.dir, { env: SYNC_ENV });
    expect(outcomes).toEqual({ codemonkey: { done: 1 } });
    expect(await serverRef(rig, "refs/heads/bead/bb-fix")).toBe(theirs);
    expect(a.read("beads/bb-fix.md")).toMatch(/`bead\/bb-fix` is not pushed yet \(.+\)\./);
    expect(logs.join("\n")).toContain("bead/bb-fix not pushed");
    expect(await rig.serverFile("beads/bb-fix.md")).toMatch(/^status: done$/m);
  });
});
