import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createBead } from "../../src/board/write.js";
import { publish } from "../../src/claim/remote-claim.js";
import { ConfigError } from "../../src/errors.js";
import { syncBoard } from "../../src/sync/sync.js";
import { startWebhookServer, verifyWebhookSignature, webhookSecretFromEnv, type PushEvent, type WebhookServer } from "../../src/sync/webhook.js";
import { beadFile, startSyncRig, type SyncRig } from "./sync-support.js";

const SECRET = "s3cret-webhook";
const servers: WebhookServer[] = [];
let rig: SyncRig | undefined;

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await rig?.close();
  rig = undefined;
});

function sign(body: string, secret = SECRET): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

const payload = JSON.stringify({ ref: "refs/heads/main", after: "a".repeat(40), repository: { full_name: "team/board" } });

async function start(onPush: (event: PushEvent) => void | Promise<void>, extra: { branch?: string } = {}) {
  const logs: string[] = [];
  const server = await startWebhookServer({ port: 0, host: "127.0.0.1", secret: SECRET, onPush, log: (line) => logs.push(line), ...extra });
  servers.push(server);
  return { server, logs };
}

function post(server: WebhookServer, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(server.url, { method: "POST", body, headers: { "Content-Type": "application/json", ...headers } });
}

describe("webhook signatures", () => {
  it("accepts the Forgejo, Gitea and GitHub-style headers, and rejects the rest", () => {
    const body = Buffer.from(payload);
    expect(verifyWebhookSignature(body, SECRET, { "x-forgejo-signature": sign(payload) })).toBe("ok");
    expect(verifyWebhookSignature(body, SECRET, { "x-gitea-signature": sign(payload).toUpperCase() })).toBe("ok");
    expect(verifyWebhookSignature(body, SECRET, { "x-hub-signature-256": `sha256=${sign(payload)}` })).toBe("ok");
    expect(verifyWebhookSignature(body, SECRET, { "x-forgejo-signature": sign(payload, "other") })).toBe("bad");
    expect(verifyWebhookSignature(body, SECRET, { "x-forgejo-signature": "abc" })).toBe("bad");
    expect(verifyWebhookSignature(body, SECRET, {})).toBe("missing");
  });

  it("the secret comes from BEAD_WEBHOOK_SECRET", () => {
    expect(webhookSecretFromEnv({ BEAD_WEBHOOK_SECRET: "x" })).toBe("x");
    expect(() => webhookSecretFromEnv({})).toThrow(ConfigError);
    expect(() => webhookSecretFromEnv({})).toThrow(/BEAD_WEBHOOK_SECRET/);
  });
});

describe("webhook server", () => {
  it("a bad or missing signature is answered 403 and logged; onPush is not called", async () => {
    const events: PushEvent[] = [];
    const { server, logs } = await start((event) => {
      events.push(event);
    });
    const bad = await post(server, payload, { "X-Forgejo-Event": "push", "X-Forgejo-Signature": sign(payload, "guess") });
    expect(bad.status).toBe(403);
    const missing = await post(server, payload, { "X-Forgejo-Event": "push" });
    expect(missing.status).toBe(403);
    const tampered = await post(server, payload.replace("main", "evil"), { "X-Forgejo-Event": "push", "X-Forgejo-Signature": sign(payload) });
    expect(tampered.status).toBe(403);
    expect(events).toEqual([]);
    expect(logs).toHaveLength(3);
    expect(logs[0]).toMatch(/rejected a request from 127\.0\.0\.1: bad signature/);
    expect(logs[1]).toMatch(/no signature header/);
    expect(logs.join("\n")).not.toContain(SECRET);
  });

  it("a signed push calls onPush with the event; other events and branches are ignored", async () => {
    const events: PushEvent[] = [];
    const { server } = await start(
      (event) => {
        events.push(event);
      },
      { branch: "main" },
    );
    const ok = await post(server, payload, { "X-Gitea-Event": "push", "X-Gitea-Signature": sign(payload), "X-Gitea-Delivery": "d-1" });
    expect(ok.status).toBe(202);
    const ping = await post(server, "{}", { "X-Forgejo-Event": "ping", "X-Forgejo-Signature": sign("{}") });
    expect(ping.status).toBe(200);
    const other = JSON.stringify({ ref: "refs/heads/dev" });
    expect((await post(server, other, { "X-Forgejo-Event": "push", "X-Forgejo-Signature": sign(other) })).status).toBe(200);
    const form = `payload=${encodeURIComponent(payload)}`;
    const formReply = await fetch(server.url, {
      method: "POST",
      body: form,
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Forgejo-Event": "push", "X-Forgejo-Signature": sign(payload) },
    });
    expect(formReply.status).toBe(202);
    expect((await fetch(server.url)).status).toBe(405);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual([
      { ref: "refs/heads/main", after: "a".repeat(40), repository: "team/board", delivery: "d-1" },
      { ref: "refs/heads/main", after: "a".repeat(40), repository: "team/board", delivery: null },
    ]);
  });

  it("pushes arriving while onPush runs fold into one more call", async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { server } = await start(async () => {
      calls++;
      if (calls === 1) await gate;
    });
    const headers = { "X-Forgejo-Event": "push", "X-Forgejo-Signature": sign(payload) };
    for (let i = 0; i < 4; i++) expect((await post(server, payload, headers)).status).toBe(202);
    expect(calls).toBe(1);
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toBe(2);
  });

  it("a push on another clone, announced by webhook, is fetched into this board at once", async () => {
    rig = await startSyncRig({ "beads/bb-1.md": beadFile("One") });
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    const synced: string[] = [];
    const { server } = await start(async () => {
      const result = await syncBoard(a.ctx, a.remote);
      synced.push(result.action);
    });
    await createBead(b.ctx, "bb-2", beadFile("Two"), "new bb-2");
    await publish(b.ctx, b.remote);
    const body = JSON.stringify({ ref: "refs/heads/main", after: await rig.serverTip() });
    expect((await post(server, body, { "X-Forgejo-Event": "push", "X-Forgejo-Signature": sign(body) })).status).toBe(202);
    for (let i = 0; i < 100 && synced.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(synced).toEqual(["fast-forward"]);
    expect(a.read("beads/bb-2.md")).toContain("title: Two");
  });
});
