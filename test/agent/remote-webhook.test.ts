import { createHmac } from "node:crypto";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { supervise } from "../../src/agent/supervisor.js";
import { boardPaths } from "../../src/board/paths.js";
import { createBead } from "../../src/board/write.js";
import { publish } from "../../src/claim/remote-claim.js";
import { beadFile, startSyncRig, TOKEN, type SyncRig } from "../git/sync-support.js";
import { REPORTER } from "./support.js";

const SECRET = "hook-secret";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(probe: () => Promise<T | undefined>, deadlineMs: number): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("bead up --webhook", () => {
  let rig: SyncRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it("without a secret, up refuses at once and leaves no timer running (the process can exit)", async () => {
    rig = await startSyncRig({ "agents/reporter.md": REPORTER, "beads/seed.md": beadFile("Seed", ["status: done"]) });
    const a = await rig.clone("a");
    const timersBefore = process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
    const env = { BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0", BEAD_HOST: "a", BEAD_WEBHOOK_HOST: "0.0.0.0", BEAD_ACTOR: "a <a@test>" };
    const logs: string[] = [];
    await expect(supervise({ paths: boardPaths(a.dir), env, once: false, webhookPort: await freePort(), log: (line) => logs.push(line), stopSignal: new Promise<void>(() => undefined) })).rejects.toThrow(/BEAD_WEBHOOK_SECRET/);
    expect(process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length).toBeLessThanOrEqual(timersBefore);
    expect(logs.some((line) => line.includes("webhook listening"))).toBe(false);
  });

  it("on loopback only, up runs without a secret, says so loudly, and an unsigned push makes it fetch", async () => {
    rig = await startSyncRig({ "agents/reporter.md": REPORTER, "beads/seed.md": beadFile("Seed", ["status: done"]) });
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    const port = await freePort();
    let stop: () => void = () => undefined;
    const logs: string[] = [];
    const env = { BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0", BEAD_HOST: "a", BEAD_WEBHOOK_HOST: "127.0.0.1", BEAD_ACTOR: "a <a@test>" };
    const running = supervise({ paths: boardPaths(a.dir), env, once: false, webhookPort: port, log: (line) => logs.push(line), stopSignal: new Promise<void>((resolve) => (stop = resolve)) });
    await until(async () => (logs.some((line) => line.includes("webhook listening")) ? true : undefined), 20_000);
    expect(logs.join("\n")).toMatch(/WARNING: webhook WITHOUT a secret, listening on 127\.0\.0\.1 only/);
    await createBead(b.ctx, "loop", beadFile("Fetched by an unsigned hook", ["status: done"]), "new loop");
    await publish(b.ctx, b.remote);
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: JSON.stringify({ ref: "refs/heads/main" }), headers: { "Content-Type": "application/json", "X-Forgejo-Event": "push" } });
    expect(res.status).toBe(202);
    await until(async () => (a.read("beads/loop.md").includes("Fetched by an unsigned hook") ? true : undefined), 20_000);
    stop();
    await running;
  });

  it("a signed push event from the server makes a watching agent fetch, work and push the new bead", async () => {
    rig = await startSyncRig({ "agents/reporter.md": REPORTER, "beads/seed.md": beadFile("Seed", ["status: done"]) });
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    const port = await freePort();
    let stop: () => void = () => undefined;
    const logs: string[] = [];
    const env = { BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0", BEAD_HOST: "a", BEAD_WEBHOOK_SECRET: SECRET, BEAD_WEBHOOK_HOST: "127.0.0.1", BEAD_ACTOR: "a <a@test>" };
    const running = supervise({
      paths: boardPaths(a.dir),
      env,
      once: false,
      webhookPort: port,
      log: (line) => logs.push(line),
      stopSignal: new Promise<void>((resolve) => {
        stop = resolve;
      }),
    });
    await until(async () => (logs.some((line) => line.includes("webhook listening")) ? true : undefined), 20_000);

    await createBead(b.ctx, "rep", beadFile("Status please", ["labels: [report]"]), "new rep");
    await publish(b.ctx, b.remote);
    const body = JSON.stringify({ ref: "refs/heads/main", after: await rig.serverTip() });
    const unsigned = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body, headers: { "Content-Type": "application/json", "X-Forgejo-Event": "push" } });
    expect(unsigned.status).toBe(403);
    const signature = createHmac("sha256", SECRET).update(body).digest("hex");
    const signed = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body, headers: { "Content-Type": "application/json", "X-Forgejo-Event": "push", "X-Forgejo-Signature": signature } });
    expect(signed.status).toBeLessThan(300);

    // The timed sync runs every 30 s; this must happen well before it, through the webhook.
    const done = await until(async () => ((await rig!.serverLog()).includes("done rep") ? true : undefined), 20_000);
    expect(done).toBe(true);
    stop();
    await running;
    expect(await rig.serverFile("beads/rep.md")).toContain("status: done");
  });
});
