import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseBead } from "../../src/bead/parse.js";
import { createBead, editBead } from "../../src/board/write.js";
import { setFields } from "../../src/bead/edit.js";
import { claimAndPush, publish } from "../../src/claim/remote-claim.js";
import { writeBack } from "../../src/claim/write-back.js";
import { syncBoard } from "../../src/sync/sync.js";
import { UnsavedEditError } from "../../src/errors.js";
import { runCli } from "../helpers/cli.js";
import { runGit } from "../helpers/temp-board.js";
import { beadFile, personCommit, startSyncRig, TOKEN, type SyncRig } from "./sync-support.js";

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

async function head(dir: string): Promise<string> {
  return (await runGit(dir, ["rev-parse", "HEAD"])).trim();
}

async function status(dir: string): Promise<string> {
  return runGit(dir, ["status", "--porcelain"]);
}

describe("syncBoard", () => {
  it("is up to date when nothing changed, and pushes when only we moved", async () => {
    const a = await rig.clone("a");
    const idle = await syncBoard(a.ctx, a.remote);
    expect(idle).toMatchObject({ action: "up-to-date", pushed: false, files: [] });

    await createBead(a.ctx, "bb-3", beadFile("Third"), "new bb-3");
    const pushed = await syncBoard(a.ctx, a.remote);
    expect(pushed).toMatchObject({ action: "ahead", pushed: true });
    expect(await rig.serverTip()).toBe(await head(a.dir));
    expect(await rig.serverFile("beads/bb-3.md")).toContain("title: Third");
  });

  it("fast-forward moves the branch AND updates the working tree and index", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    await createBead(b.ctx, "bb-3", beadFile("Third"), "new bb-3");
    await editBead(b.ctx, "bb-2", (text) => setFields(text, { priority: 0 }, "beads/bb-2.md"), "set bb-2");
    await b.git(["rm", "-q", "beads/bb-1.md"]);
    await b.git(["commit", "-q", "-m", "remove bb-1"]);
    await publish(b.ctx, b.remote);

    const r = await syncBoard(a.ctx, a.remote);
    expect(r.action).toBe("fast-forward");
    expect(r.files.sort()).toEqual(["beads/bb-1.md", "beads/bb-2.md", "beads/bb-3.md"]);
    expect(a.read("beads/bb-3.md")).toContain("title: Third");
    expect(parseBead(a.read("beads/bb-2.md"), "beads/bb-2.md").fields.priority).toBe(0);
    expect(existsSync(join(a.dir, "beads/bb-1.md"))).toBe(false);
    expect(await head(a.dir)).toBe(await rig.serverTip());
    expect(await status(a.dir)).toBe("");
  });

  it("refuses to overwrite an unsaved edit, names the file, and changes nothing", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    await editBead(b.ctx, "bb-1", (text) => setFields(text, { priority: 1 }, "beads/bb-1.md"), "set bb-1");
    await createBead(b.ctx, "bb-3", beadFile("Third"), "new bb-3");
    await publish(b.ctx, b.remote);

    const mine = beadFile("First", ["status: open"], "Summarize the notes.\nA person's unsaved thought.\n");
    a.write("beads/bb-1.md", mine);
    const before = await head(a.dir);
    const error = await syncBoard(a.ctx, a.remote).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsavedEditError);
    expect((error as UnsavedEditError).code).toBe("E_UNSAVED_EDIT");
    expect((error as UnsavedEditError).message).toContain("beads/bb-1.md");
    expect((error as UnsavedEditError).files).toEqual(["beads/bb-1.md"]);
    expect(a.read("beads/bb-1.md")).toBe(mine);
    expect(existsSync(join(a.dir, "beads/bb-3.md"))).toBe(false);
    expect(await head(a.dir)).toBe(before);

    // The same when both sides have commits (the merge path): refused, nothing changed.
    await createBead(a.ctx, "bb-9", beadFile("Ninth"), "new bb-9");
    const diverged = await head(a.dir);
    expect(await syncBoard(a.ctx, a.remote).catch((e: unknown) => e)).toBeInstanceOf(UnsavedEditError);
    expect(a.read("beads/bb-1.md")).toBe(mine);
    expect(existsSync(join(a.dir, "beads/bb-3.md"))).toBe(false);
    expect(await head(a.dir)).toBe(diverged);
    expect(existsSync(join(a.dir, ".git/index.lock"))).toBe(false);

    // Once the person commits, sync replays it on the remote tip with both edits.
    await personCommit(a, "my thought");
    const r = await syncBoard(a.ctx, a.remote);
    expect(r).toMatchObject({ action: "rebased", pushed: true });
    const merged = a.read("beads/bb-1.md");
    expect(merged).toContain("A person's unsaved thought.");
    expect(parseBead(merged, "beads/bb-1.md").fields.priority).toBe(1);
    expect(a.read("beads/bb-3.md")).toContain("Third");
    expect(await status(a.dir)).toBe("");
  });

  it("a person's hand edit on clone A and an agent's write-back on clone B both survive", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b", { BEAD_HOST: "b" });
    await claimAndPush(b.ctx, "bb-1", { agent: "coder", host: "b", leaseMs: 600_000 }, b.remote);

    // The person, on A, edits the same bead by hand (with an editor and git) before seeing the claim.
    a.write("beads/bb-1.md", beadFile("First (clarified)", ["status: open", "priority: 1"], "Summarize the notes.\nFocus on the GPU section.\n"));
    await personCommit(a, "clarify bb-1");

    await writeBack(b.ctx, "bb-1", "coder", { outcome: "done", result: "The notes, summarized." }, "b");
    await publish(b.ctx, b.remote);

    const r = await syncBoard(a.ctx, a.remote);
    expect(r.action).toBe("rebased");
    expect(r.pushed).toBe(true);
    await syncBoard(b.ctx, b.remote);

    for (const text of [a.read("beads/bb-1.md"), b.read("beads/bb-1.md"), await rig.serverFile("beads/bb-1.md")]) {
      const { fields, body } = parseBead(text, "beads/bb-1.md");
      expect(fields).toMatchObject({ title: "First (clarified)", priority: 1, status: "done", claimed_by: "coder@b" });
      expect(body).toContain("Focus on the GPU section.");
      expect(body).toContain("## Result\nThe notes, summarized.");
    }
    expect(await head(a.dir)).toBe(await head(b.dir));
    expect(await status(a.dir)).toBe("");
    expect(await status(b.dir)).toBe("");
    for (const dir of [a.dir, b.dir, rig.server.barePath(rig.repo)]) expect(await rig.fsck(dir)).toBe("");
  });

  it("memory notes appended on both clones are all kept; a deleted-vs-modified bead is kept", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    a.write("memory/MEMORY.md", "# Shared memory\n- from a\n");
    await a.git(["rm", "-q", "beads/bb-2.md"]);
    await personCommit(a, "a notes, drop bb-2");
    b.write("memory/MEMORY.md", "# Shared memory\n- from b\n");
    await editBead(b.ctx, "bb-2", (text) => setFields(text, { status: "done" }, "beads/bb-2.md"), "done bb-2");
    await personCommit(b, "b notes");
    await publish(b.ctx, b.remote);

    const r = await syncBoard(a.ctx, a.remote);
    expect(r.notes).toEqual([expect.objectContaining({ path: "beads/bb-2.md", kind: "deleted" })]);
    expect(a.read("memory/MEMORY.md")).toBe("# Shared memory\n- from a\n- from b\n");
    expect(parseBead(a.read("beads/bb-2.md"), "beads/bb-2.md").fields.status).toBe("done");
    expect(await rig.serverFile("memory/MEMORY.md")).toBe("# Shared memory\n- from a\n- from b\n");
  });

  it("a conflicting non-bead file keeps ours and commits theirs beside it", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    a.write("agents/coder.md", "---\nname: coder\nmodel: a-model\n---\n");
    await personCommit(a, "a agent");
    b.write("agents/coder.md", "---\nname: coder\nmodel: b-model\n---\n");
    await personCommit(b, "b agent");
    await publish(b.ctx, b.remote);
    const r = await syncBoard(a.ctx, a.remote);
    expect(r.notes.map((n) => n.kind)).toEqual(["conflict-file"]);
    expect(a.read("agents/coder.md")).toContain("a-model");
    expect(a.read("agents/coder.md.theirs")).toContain("b-model");
    expect(await rig.serverFile("agents/coder.md.theirs")).toContain("b-model");
    expect(await status(a.dir)).toBe("");
  });
});

describe("comments on two clones", () => {
  it("both first comments on one bead survive a sync as one list, and bead show lists both", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    const env = { BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0" };
    expect((await runCli(["comment", "bb-2", "from b"], { cwd: b.dir, env: { ...env, BEAD_ACTOR: "Bob <bob@x>" } })).stderr).toBe("");
    expect((await runCli(["comment", "bb-2", "from a"], { cwd: a.dir, env: { ...env, BEAD_ACTOR: "Ann <ann@x>" } })).stderr).toBe("");
    await runCli(["sync"], { cwd: b.dir, env });
    await runCli(["sync"], { cwd: a.dir, env });
    const shown = JSON.parse((await runCli(["show", "bb-2", "--json"], { cwd: a.dir, env })).stdout) as { comments: Array<{ author: string; text: string }> };
    expect(shown.comments.map((comment) => `${comment.author}: ${comment.text}`).sort()).toEqual(["Ann: from a", "Bob: from b"]);
    expect((await rig.serverFile("beads/bb-2.md")).match(/^## Comments$/gm)).toHaveLength(1);
  });
});

describe("bead sync (CLI)", () => {
  it("prints what happened, using origin and the token from BEAD_TOKEN", async () => {
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    const env = { BEAD_TOKEN: TOKEN, BEAD_ACTOR: "b <b@x>" };
    expect((await runCli(["sync"], { cwd: a.dir, env })).stdout).toMatch(/^up to date with http:\/\/127\.0\.0\.1:\d+\/board\.git main\n$/);

    await createBead(b.ctx, "bb-3", beadFile("Third"), "new bb-3");
    const pushed = await runCli(["sync", "-C", b.dir], { cwd: a.dir, env });
    expect(pushed.stderr).toBe("");
    expect(pushed.stdout).toMatch(/^pushed [0-9a-f]{7} to /);

    const ff = await runCli(["sync"], { cwd: a.dir, env });
    expect(ff.stdout).toMatch(/^fast-forward to [0-9a-f]{7}: 1 file updated\n$/);

    await createBead(a.ctx, "bb-4", beadFile("Fourth"), "new bb-4");
    expect((await runCli(["sync", "--no-push"], { cwd: a.dir, env })).stdout).toMatch(/^local commits not pushed \([0-9a-f]{7}; /);
    await createBead(b.ctx, "bb-5", beadFile("Fifth"), "new bb-5");
    await runCli(["sync"], { cwd: b.dir, env });
    const merged = await runCli(["sync", "--json"], { cwd: a.dir, env });
    const json = JSON.parse(merged.stdout) as { action: string; pushed: boolean; files: string[]; url: string };
    expect(json).toMatchObject({ action: "rebased", pushed: true, files: ["beads/bb-5.md"] });
    expect(merged.stdout).not.toContain(TOKEN);
  });
});

describe("setting up a synced board", () => {
  it("bead init --remote, first sync into an empty repository, then a second machine", async () => {
    await rig.server.createRepo("team");
    const url = rig.server.repoUrl("team");
    const { mkdtempSync, realpathSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const root = realpathSync(mkdtempSync(join(tmpdir(), "beadboard-setup-")));
    try {
      const one = join(root, "one");
      const env = { BEAD_TOKEN: TOKEN, BEAD_ACTOR: "one <one@x>" };
      expect((await runCli(["init", "--remote", url, "-C", one], { cwd: root, env })).code).toBe(0);
      const first = await runCli(["sync"], { cwd: one, env });
      expect(first.stderr).toBe("");
      expect(first.stdout).toMatch(/^pushed [0-9a-f]{7} to http:\/\/127\.0\.0\.1:\d+\/team\.git main\n$/);
      expect(await runGit(rig.server.barePath("team"), ["show", "main:.beadboard.yml"])).toContain(`url: ${url}`);

      // Machine two: clone with git, prepare with bead init (idempotent), sync.
      const two = join(root, "two");
      const basic = Buffer.from(`x:${TOKEN}`).toString("base64");
      await runGit(root, ["-c", `http.extraHeader=Authorization: Basic ${basic}`, "clone", "-q", url, two]);
      expect((await runCli(["init"], { cwd: two, env })).stdout).toMatch(/already set up/);
      expect((await runCli(["sync"], { cwd: two, env })).stdout).toMatch(/^up to date/);
      expect((await runCli(["new", "From two"], { cwd: two, env })).code).toBe(0);
      // `bead new` on a synced board pushes at once (docs/SYNC.md): nothing is left for sync.
      expect((await runCli(["sync"], { cwd: two, env })).stdout).toMatch(/^up to date/);
      expect((await runCli(["sync"], { cwd: one, env })).stdout).toMatch(/^fast-forward to [0-9a-f]{7}: 1 file updated/);
      expect((await runCli(["ls", "--json"], { cwd: one, env })).stdout).toContain("From two");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("remote settings in .beadboard.yml: a custom token variable; a token in the URL is refused", async () => {
    const a = await rig.clone("a");
    a.write(".beadboard.yml", `remote:\n  url: ${a.remote.url}\n  token_env: FORGEJO_TOKEN\n`);
    await personCommit(a, "remote settings");
    const bad = await runCli(["sync"], { cwd: a.dir, env: { BEAD_TOKEN: TOKEN } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/FORGEJO_TOKEN is not set/);
    const good = await runCli(["sync"], { cwd: a.dir, env: { FORGEJO_TOKEN: TOKEN } });
    expect(good.stdout).toMatch(/^pushed/);

    a.write(".beadboard.yml", `remote:\n  url: ${a.remote.url.replace("http://", `http://me:${TOKEN}@`)}\n`);
    const leaky = await runCli(["sync"], { cwd: a.dir, env: { BEAD_TOKEN: TOKEN } });
    expect(leaky.code).toBe(1);
    expect(leaky.stderr).toMatch(/has a user name or token in it/);
    expect(leaky.stderr).not.toContain(TOKEN);
  });
});
