/**
 * The process's stop reaches sync, publish and claims (issue 13): against a loopback server that
 * accepts the request and never answers, aborting the signal ends the call at once with
 * SyncStoppedError, and nothing is half written. The remote's own timeout is a minute, so
 * without the signal these calls would outlive the test's timeout.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimAndPush, publish } from "../../src/claim/remote-claim.js";
import { SyncStoppedError, type BeadboardError } from "../../src/errors.js";
import { syncBoard } from "../../src/sync/sync.js";
import { beadFile, remoteFor, startSyncRig, type Clone, type SyncRig } from "./sync-support.js";

let rig: SyncRig;
let stall: { server: Server; url: string; requests: IncomingMessage[]; onRequest: (() => void) | undefined };

beforeEach(async () => {
  rig = await startSyncRig({ "beads/bb-1.md": beadFile("First") });
  const requests: IncomingMessage[] = [];
  const state: typeof stall = { server: createServer(), url: "", requests, onRequest: undefined };
  // Takes every request and never answers: a git server that hangs.
  state.server.on("request", (request: IncomingMessage) => {
    requests.push(request);
    state.onRequest?.();
  });
  await new Promise<void>((resolve) => state.server.listen(0, "127.0.0.1", resolve));
  const address = state.server.address();
  state.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/board.git`;
  stall = state;
});

afterEach(async () => {
  stall.server.closeAllConnections();
  await new Promise((resolve) => stall.server.close(resolve));
  await rig.close();
});

/** The clone's remote moved to the hanging server, with a minute of patience and a stop signal that fires once a request hangs there. */
function stalledRemote(clone: Clone) {
  const stop = new AbortController();
  stall.onRequest = () => stop.abort(new Error("SIGTERM"));
  return { ...remoteFor(stall.url), env: clone.remote.env, timeoutMs: 60_000, signal: stop.signal };
}

async function failure(promise: Promise<unknown>): Promise<BeadboardError> {
  try {
    await promise;
  } catch (error) {
    return error as BeadboardError;
  }
  throw new Error("expected a failure");
}

async function state(clone: Clone) {
  return {
    head: (await clone.git(["rev-parse", "HEAD"])).trim(),
    tracking: (await clone.git(["rev-parse", "refs/remotes/origin/main"])).trim(),
    status: (await clone.git(["status", "--porcelain"])).trim(),
  };
}

function noLocksLeft(clone: Clone): void {
  expect(existsSync(join(clone.dir, ".git", "index.lock"))).toBe(false);
  expect(existsSync(join(clone.dir, ".git", "beadboard", "board.lock"))).toBe(false);
}

describe("stopping a sync against a server that never answers", () => {
  it("syncBoard: the fetch in flight is aborted; branch, working tree and tracking ref are as before", async () => {
    const a = await rig.clone("a");
    const before = await state(a);
    const error = await failure(syncBoard(a.ctx, stalledRemote(a)));
    expect(error).toBeInstanceOf(SyncStoppedError);
    expect(error.code).toBe("E_STOPPED");
    expect(error.message).toContain("127.0.0.1");
    expect(stall.requests.length).toBeGreaterThan(0);
    expect(await state(a)).toEqual(before);
    noLocksLeft(a);
  });

  it("publish: the push in flight is aborted; the local commit is kept for the next sync", async () => {
    const a = await rig.clone("a");
    a.write("beads/bb-1.md", a.read("beads/bb-1.md").replace("title: First\n", "title: First\npriority: 1\n"));
    await a.git(["commit", "-qam", "local change"]);
    const before = await state(a);
    const error = await failure(publish(a.ctx, stalledRemote(a)));
    expect(error).toBeInstanceOf(SyncStoppedError);
    expect(await state(a)).toEqual(before);
    expect(before.head).not.toBe(before.tracking);
    noLocksLeft(a);
    // The real server gets it with the next sync.
    const later = await syncBoard(a.ctx, a.remote);
    expect(later.pushed).toBe(true);
    expect(await rig.serverFile("beads/bb-1.md")).toContain("priority: 1");
  });

  it("claimAndPush: a claim whose push was stopped is taken back, never left unconfirmed", async () => {
    const a = await rig.clone("a");
    const before = await state(a);
    const error = await failure(claimAndPush(a.ctx, "bb-1", { agent: "alpha", host: "a", leaseMs: 60_000 }, stalledRemote(a)));
    expect(error).toBeInstanceOf(SyncStoppedError);
    expect(error.data.claim).toBe("rolled back");
    expect(a.read("beads/bb-1.md")).not.toContain("status: claimed");
    expect(await state(a)).toEqual(before);
    noLocksLeft(a);
  });

  it("an already stopped signal makes no request at all", async () => {
    const a = await rig.clone("a");
    const stop = new AbortController();
    stop.abort(new Error("SIGINT"));
    const requestsBefore = rig.server.requests.length;
    const error = await failure(syncBoard(a.ctx, { ...a.remote, signal: stop.signal }));
    expect(error).toBeInstanceOf(SyncStoppedError);
    expect(rig.server.requests.length).toBe(requestsBefore);
  });
});
