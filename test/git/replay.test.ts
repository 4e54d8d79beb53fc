import { execFileSync } from "node:child_process";
import { chmodSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseBead } from "../../src/bead/parse.js";
import { createBead, editBead } from "../../src/board/write.js";
import { setFields } from "../../src/bead/edit.js";
import { publish } from "../../src/claim/remote-claim.js";
import { pushBranch } from "../../src/sync/push.js";
import { fetchRemote } from "../../src/sync/remote.js";
import { replayOnto } from "../../src/sync/replay.js";
import { repoOf, syncBoard } from "../../src/sync/sync.js";
import { gitEnv, runGit } from "../helpers/temp-board.js";
import { beadFile, personCommit, startSyncRig, type Clone, type SyncRig } from "./sync-support.js";

let rig: SyncRig;

beforeEach(async () => {
  rig = await startSyncRig({
    "beads/bb-1.md": beadFile("First", ["status: open"], "Summarize the notes.\n"),
    "beads/bb-2.md": beadFile("Second"),
  });
});

afterEach(async () => {
  await rig.close();
});

/** `%H %P|%an <%ae> %ad|%cn|%s` of every commit on the server's main, oldest first. */
async function serverCommits(): Promise<Array<{ parents: number; author: string; committer: string; subject: string }>> {
  const out = await runGit(rig.server.barePath(rig.repo), ["log", "--reverse", "--date=unix", "--format=%P|%an <%ae> %ad|%cn|%s", "main"]);
  return out
    .trim()
    .split("\n")
    .map((line) => {
      const [parents = "", author = "", committer = "", subject = ""] = line.split("|");
      return { parents: parents.split(" ").filter(Boolean).length, author, committer, subject };
    });
}

async function otherClonePushes(b: Clone): Promise<void> {
  await createBead(b.ctx, "bb-3", beadFile("Third"), "new bb-3");
  await editBead(b.ctx, "bb-2", (text) => setFields(text, { priority: 0 }, "beads/bb-2.md"), "set bb-2");
  await publish(b.ctx, b.remote);
}

describe("sync replays local commits on the remote's tip", () => {
  it("keeps history linear, each commit's author, date and message, and our changes with theirs", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    await otherClonePushes(b);
    // Two local commits on A, made by a person at the terminal with a date of their own.
    a.write("beads/bb-4.md", beadFile("Fourth"));
    await a.git(["add", "-A"]);
    await a.git(["commit", "-q", "--author=Ann <ann@example.test>", "--date=1700000000 +0000", "-m", "new bb-4"]);
    await editBead(a.ctx, "bb-1", (text) => setFields(text, { priority: 1 }, "beads/bb-1.md"), "set bb-1");

    const r = await syncBoard(a.ctx, a.remote);
    expect(r).toMatchObject({ action: "rebased", pushed: true });
    expect(r.files.sort()).toEqual(["beads/bb-2.md", "beads/bb-3.md"]);
    const log = await serverCommits();
    expect(log.map((c) => c.subject).slice(-4)).toEqual(["new bb-3", "set bb-2", "new bb-4", "set bb-1"]);
    expect(log.every((c) => c.parents <= 1)).toBe(true);
    expect(log.find((c) => c.subject === "new bb-4")).toMatchObject({ author: "Ann <ann@example.test> 1700000000", committer: "a" });
    for (const text of [a.read("beads/bb-1.md"), await rig.serverFile("beads/bb-1.md")]) expect(parseBead(text, "beads/bb-1.md").fields.priority).toBe(1);
    expect(parseBead(a.read("beads/bb-2.md"), "beads/bb-2.md").fields.priority).toBe(0);
    expect(a.read("beads/bb-3.md")).toContain("title: Third");
    expect(await a.git(["status", "--porcelain"])).toBe("");
    expect((await a.git(["rev-parse", "HEAD"])).trim()).toBe(await rig.serverTip());
    expect(await rig.fsck(a.dir)).toBe("");
    expect(await rig.fsck(rig.server.barePath(rig.repo))).toBe("");
  });

  it("merges one bead both sides changed field by field, and drops a change the remote already has", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    await editBead(b.ctx, "bb-1", (text) => setFields(text, { status: "done" }, "beads/bb-1.md"), "done bb-1");
    await createBead(b.ctx, "bb-3", beadFile("Third"), "new bb-3");
    await publish(b.ctx, b.remote);
    await editBead(a.ctx, "bb-1", (text) => setFields(text, { priority: 2 }, "beads/bb-1.md"), "set bb-1");
    await createBead(a.ctx, "bb-3", beadFile("Third"), "new bb-3 (same)");

    const r = await syncBoard(a.ctx, a.remote);
    expect(r.action).toBe("rebased");
    expect(parseBead(await rig.serverFile("beads/bb-1.md"), "beads/bb-1.md").fields).toMatchObject({ status: "done", priority: 2 });
    // The identical bb-3 became empty on top of theirs: not recorded twice.
    expect((await serverCommits()).map((c) => c.subject)).not.toContain("new bb-3 (same)");
  });

  it("makes a change to a bead the remote renamed (git mv) under its new name, not a second bead", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    await b.git(["mv", "beads/bb-2.md", "beads/bb-9.md"]);
    await personCommit(b, "bb-2 is bb-9 now");
    await publish(b.ctx, b.remote);
    await editBead(a.ctx, "bb-2", (text) => setFields(text, { priority: 0 }, "beads/bb-2.md"), "set bb-2");
    await editBead(a.ctx, "bb-2", (text) => setFields(text, { labels: ["ops"] }, "beads/bb-2.md"), "label bb-2");

    const r = await syncBoard(a.ctx, a.remote);
    expect(r).toMatchObject({ action: "rebased", pushed: true });
    expect(r.notes).toContainEqual(expect.objectContaining({ path: "beads/bb-2.md", kind: "renamed", detail: expect.stringContaining("beads/bb-9.md") }));
    expect(parseBead(await rig.serverFile("beads/bb-9.md"), "beads/bb-9.md").fields).toMatchObject({ priority: 0, labels: ["ops"] });
    expect(await runGit(rig.server.barePath(rig.repo), ["ls-tree", "--name-only", "main", "beads/"])).not.toContain("bb-2.md");
    expect(await a.git(["status", "--porcelain"])).toBe("");
  });

  it("keeps a symbolic link a link and an executable executable", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    await otherClonePushes(b);
    symlinkSync("../beads/bb-1.md", join(a.dir, "notes-link"));
    a.write("run.sh", "#!/bin/sh\necho hi\n");
    chmodSync(join(a.dir, "run.sh"), 0o755);
    await personCommit(a, "a link and a script");

    expect(await syncBoard(a.ctx, a.remote)).toMatchObject({ action: "rebased", pushed: true });
    const tree = await runGit(rig.server.barePath(rig.repo), ["ls-tree", "main", "notes-link", "run.sh"]);
    expect(tree).toMatch(/^120000 blob [0-9a-f]+\tnotes-link$/m);
    expect(tree).toMatch(/^100755 blob [0-9a-f]+\trun\.sh$/m);
  });

  it("merges instead when a local commit is a merge (bead merge keeps the branch's history)", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    await otherClonePushes(b);
    await a.git(["checkout", "-q", "-b", "work"]);
    a.write("notes.txt", "from a branch\n");
    await personCommit(a, "work on a branch");
    await a.git(["checkout", "-q", "main"]);
    await a.git(["merge", "-q", "--no-ff", "-m", "merge work", "work"]);

    const r = await syncBoard(a.ctx, a.remote);
    expect(r).toMatchObject({ action: "merged", pushed: true });
    const subjects = (await serverCommits()).map((c) => c.subject);
    expect(subjects).toContain("merge work");
    expect(subjects).toContain("work on a branch");
    expect(await rig.serverFile("notes.txt")).toBe("from a branch\n");
  });

  it("merges instead when a local commit is signed (a new commit would drop the signature)", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    await otherClonePushes(b);
    await editBead(a.ctx, "bb-1", (text) => setFields(text, { priority: 1 }, "beads/bb-1.md"), "set bb-1");
    // The same commit with a signature header, as `git commit -S` writes it.
    const raw = await a.git(["cat-file", "commit", "HEAD"]);
    const signed = raw.replace(/^(committer .*\n)/m, "$1gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n");
    const oid = execFileSync("git", ["hash-object", "-t", "commit", "-w", "--stdin"], { cwd: a.dir, env: gitEnv(), input: signed, encoding: "utf8" }).trim();
    await a.git(["update-ref", "refs/heads/main", oid]);

    const r = await syncBoard(a.ctx, a.remote);
    expect(r.action).toBe("merged");
    expect((await runGit(rig.server.barePath(rig.repo), ["cat-file", "commit", oid])).includes("gpgsig")).toBe(true);
  });

  it("replays at most maxCommits commits; more are left to a merge", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    await otherClonePushes(b);
    await editBead(a.ctx, "bb-1", (text) => setFields(text, { priority: 1 }, "beads/bb-1.md"), "set bb-1");
    await editBead(a.ctx, "bb-1", (text) => setFields(text, { priority: 2 }, "beads/bb-1.md"), "set bb-1 again");
    const remoteTip = (await fetchRemote(repoOf(a.ctx), a.remote))!;
    const local = (await a.git(["rev-parse", "HEAD"])).trim();
    const identity = { name: "a", email: "a@x" };
    expect(await replayOnto(repoOf(a.ctx), local, remoteTip, identity, { maxCommits: 1 })).toBeNull();
    const replayed = await replayOnto(repoOf(a.ctx), local, remoteTip, identity, { maxCommits: 2, now: () => 1_800_000_000_000 });
    expect(replayed).toMatchObject({ commits: 2, notes: [] });
    expect(await a.git(["log", "--format=%s %ct", `${remoteTip}..${replayed!.head}`])).toBe("set bb-1 again 1800000000\nset bb-1 1800000000\n");
    // Objects only: the branch has not moved.
    expect((await a.git(["rev-parse", "HEAD"])).trim()).toBe(local);
  });
});

describe("a push to a branch that moved", () => {
  it("is refused as soon as the server names its tip, before any pack is sent", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    await otherClonePushes(b);
    await editBead(a.ctx, "bb-1", (text) => setFields(text, { priority: 1 }, "beads/bb-1.md"), "set bb-1");
    const before = rig.server.requests.length;

    const outcome = await pushBranch(repoOf(a.ctx), a.remote, "refs/heads/main");
    expect(outcome).toEqual({ ok: false, moved: true, reason: expect.stringMatching(/^the remote branch moved to [0-9a-f]{8} \(another clone pushed first\)/) });
    const made = rig.server.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/^\/[^/]+/, "")}`);
    expect(made).toEqual(["GET /info/refs?service=git-receive-pack"]);
  });

  it("is followed by a fetch that does not ask for the tip again", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    await otherClonePushes(b);
    await editBead(a.ctx, "bb-1", (text) => setFields(text, { priority: 1 }, "beads/bb-1.md"), "set bb-1");
    const before = rig.server.requests.length;

    const r = await publish(a.ctx, a.remote);
    expect(r).toMatchObject({ action: "rebased", pushed: true, attempts: 1 });
    const made = rig.server.requests.slice(before).map((req) => `${req.method} ${req.path.replace(/^\/[^/]+/, "")}`);
    expect(made).toEqual([
      "GET /info/refs?service=git-receive-pack",
      "GET /info/refs?service=git-upload-pack",
      "POST /git-upload-pack",
      "GET /info/refs?service=git-receive-pack",
      "POST /git-receive-pack",
    ]);
  });
});
