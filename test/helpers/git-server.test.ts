import { randomBytes } from "node:crypto";
import fs, { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import git from "isomorphic-git";
import http from "isomorphic-git/http/node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type GitServer, startGitServer } from "./git-server.js";
import { GitCommandError, cleanupTempBoards, makeTempBoard, runGit } from "./temp-board.js";

const TOKEN = "tok-0123456789abcdef";
const author = { name: "Iso Agent", email: "iso@beadboard.test" };
const onAuth = () => ({ username: "x", password: TOKEN });

let server: GitServer;
const dirs: string[] = [];

function tempDir(): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), "beadboard-clone-")));
  dirs.push(d);
  return d;
}

/** URL with the token embedded, the way a person would configure a Forgejo remote. */
function authedUrl(name: string): string {
  return server.repoUrl(name).replace("http://", `http://x:${TOKEN}@`);
}

async function seededRepo(name: string): Promise<string> {
  const seed = await makeTempBoard({ "beads/a.md": "---\ntitle: A\n---\n" });
  return server.createRepo(name, { from: seed.dir });
}

async function isoClone(name: string): Promise<string> {
  const dir = tempDir();
  await git.clone({ fs, http, dir, url: server.repoUrl(name), onAuth, singleBranch: true, ref: "main" });
  return dir;
}

async function isoCommit(dir: string, rel: string, text: string): Promise<string> {
  writeFileSync(join(dir, rel), text);
  await git.add({ fs, dir, filepath: rel });
  return git.commit({ fs, dir, message: `edit ${rel}`, author });
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

/** Refused pushes leave dangling objects behind on the server; only real damage counts. */
async function expectFsckClean(name: string): Promise<void> {
  const out = await runGit(server.barePath(name), ["fsck", "--full", "--strict", "--no-dangling"]);
  expect(out.trim()).toBe("");
}

beforeEach(async () => {
  server = await startGitServer({ token: TOKEN });
});

afterEach(async () => {
  await server.close();
  await cleanupTempBoards();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("git server with the git CLI", () => {
  it("clones, commits, pushes (incl. a chunked body) and fetches with the token", async () => {
    await seededRepo("board");
    const a = join(tempDir(), "a");
    await runGit(tmpdir(), ["clone", "-q", authedUrl("board"), a]);
    expect(readFileSync(join(a, "beads/a.md"), "utf8")).toContain("title: A");

    // Over http.postBuffer (1 MiB) the CLI streams the pack chunked, without Content-Length.
    writeFileSync(join(a, "blob.bin"), randomBytes(2 * 1024 * 1024));
    writeFileSync(join(a, "beads/b.md"), "---\ntitle: B\n---\n");
    await runGit(a, ["add", "-A"]);
    await runGit(a, ["commit", "-q", "-m", "add b"]);
    await runGit(a, ["push", "-q", "origin", "main"]);

    // Second clone authenticates with a header instead, the other way Forgejo tokens are used.
    const basic = Buffer.from(`x:${TOKEN}`).toString("base64");
    const b = join(tempDir(), "b");
    await runGit(tmpdir(), ["-c", `http.extraHeader=Authorization: Basic ${basic}`, "clone", "-q", server.repoUrl("board"), b]);
    expect(readFileSync(join(b, "beads/b.md"), "utf8")).toContain("title: B");

    writeFileSync(join(a, "beads/c.md"), "---\ntitle: C\n---\n");
    await runGit(a, ["add", "-A"]);
    await runGit(a, ["commit", "-q", "-m", "add c"]);
    await runGit(a, ["push", "-q", "origin", "main"]);
    await runGit(b, ["-c", `http.extraHeader=Authorization: Basic ${basic}`, "fetch", "-q", "origin"]);
    expect(await runGit(b, ["show", "origin/main:beads/c.md"])).toContain("title: C");

    const posts = server.requests.filter((r) => r.method === "POST" && r.path.endsWith("git-receive-pack"));
    expect(posts.length).toBeGreaterThanOrEqual(2);
    expect(posts.every((r) => r.status === 200)).toBe(true);
    await expectFsckClean("board");
  });

  it("rejects a non-fast-forward push and a wrong token", async () => {
    await seededRepo("board");
    const a = join(tempDir(), "a");
    const b = join(tempDir(), "b");
    await runGit(tmpdir(), ["clone", "-q", authedUrl("board"), a]);
    await runGit(tmpdir(), ["clone", "-q", authedUrl("board"), b]);
    for (const [dir, text] of [[a, "from a"], [b, "from b"]] as const) {
      writeFileSync(join(dir, "beads/a.md"), `---\ntitle: ${text}\n---\n`);
      await runGit(dir, ["commit", "-q", "-am", text]);
    }
    await runGit(a, ["push", "-q", "origin", "main"]);
    const rejected = await caught(runGit(b, ["push", "-q", "origin", "main"]));
    expect(rejected).toBeInstanceOf(GitCommandError);
    expect((rejected as GitCommandError).stderr).toMatch(/rejected|fetch first/);
    // Even forced, the double refuses: receive.denyNonFastForwards is on by default.
    const forced = await caught(runGit(b, ["push", "-q", "--force", "origin", "main"]));
    expect((forced as GitCommandError).stderr).toMatch(/non-fast-forward|denying/);

    const bad = server.repoUrl("board").replace("http://", "http://x:wrong@");
    const denied = await caught(runGit(b, ["fetch", "-q", bad]));
    expect((denied as GitCommandError).stderr).toMatch(/Authentication failed|401/);
    await expectFsckClean("board");
  });
});

describe("git server with isomorphic-git", () => {
  it("clones, commits, pushes and fetches with onAuth", async () => {
    await seededRepo("board");
    const t0 = performance.now();
    const a = await isoClone("board");
    const t1 = performance.now();
    const oid = await isoCommit(a, "beads/a.md", "---\ntitle: A2\n---\n");
    const push = await git.push({ fs, http, dir: a, remote: "origin", ref: "main", onAuth });
    const t2 = performance.now();
    console.info(`isomorphic-git on loopback: clone ${(t1 - t0).toFixed(0)} ms, commit+push ${(t2 - t1).toFixed(0)} ms`);
    expect(push.ok).toBe(true);
    expect(push.refs["refs/heads/main"]?.ok).toBe(true);
    expect((await runGit(server.barePath("board"), ["rev-parse", "main"])).trim()).toBe(oid);

    const b = await isoClone("board");
    const oid2 = await isoCommit(b, "beads/b.md", "---\ntitle: B\n---\n");
    await git.push({ fs, http, dir: b, remote: "origin", ref: "main", onAuth });
    const fetched = await git.fetch({ fs, http, dir: a, remote: "origin", ref: "main", singleBranch: true, onAuth });
    expect(fetched.fetchHead).toBe(oid2);
    await expectFsckClean("board");
  });

  it("rejects a push that is not a fast-forward", async () => {
    await seededRepo("board");
    const a = await isoClone("board");
    const b = await isoClone("board");
    await isoCommit(a, "beads/a.md", "---\ntitle: by a\n---\n");
    await isoCommit(b, "beads/a.md", "---\ntitle: by b\n---\n");
    await git.push({ fs, http, dir: a, remote: "origin", ref: "main", onAuth });

    // Findings for the team (isomorphic-git 1.44): a non-fast-forward push throws
    // PushRejectedError (code "PushRejectedError", data.reason "not-fast-forward") on the
    // client, before any pack is sent, even when the new remote tip is not in the local
    // object store. With force: true the server refuses instead (denyNonFastForwards) and
    // isomorphic-git throws GitPushError (code "GitPushError"; data.result.refs[ref].error
    // is the receive-pack reason). Sync should treat both as "someone moved first".
    const err = await caught(git.push({ fs, http, dir: b, remote: "origin", ref: "main", onAuth }));
    expect(err).toBeInstanceOf(git.Errors.PushRejectedError);
    expect(err).toMatchObject({ code: "PushRejectedError", data: { reason: "not-fast-forward" } });

    const forced = await caught(git.push({ fs, http, dir: b, remote: "origin", ref: "main", onAuth, force: true }));
    expect(forced).toBeInstanceOf(git.Errors.GitPushError);
    expect(forced).toMatchObject({ code: "GitPushError" });
    console.info(`forced push refused by server: ${JSON.stringify((forced as InstanceType<typeof git.Errors.GitPushError>).data.result.refs)}`);
    await expectFsckClean("board");
  });

  it("answers 401 for a missing or wrong token and 404 for a missing repo", async () => {
    await seededRepo("board");
    const plain = await fetch(`${server.repoUrl("board")}/info/refs?service=git-upload-pack`);
    expect(plain.status).toBe(401);
    expect(plain.headers.get("www-authenticate")).toMatch(/^Basic realm="/);

    // Wrong token → HttpError (code "HttpError") with data.statusCode 401.
    const wrong = await caught(
      git.clone({ fs, http, dir: tempDir(), url: server.repoUrl("board"), onAuth: () => ({ username: "x", password: "nope" }) }),
    );
    expect(wrong).toBeInstanceOf(git.Errors.HttpError);
    expect(wrong).toMatchObject({ code: "HttpError", data: { statusCode: 401 } });

    // Missing repo (authenticated) → HttpError with data.statusCode 404.
    const missing = await caught(git.clone({ fs, http, dir: tempDir(), url: server.repoUrl("nope"), onAuth }));
    expect(missing).toBeInstanceOf(git.Errors.HttpError);
    expect(missing).toMatchObject({ code: "HttpError", data: { statusCode: 404 } });
  });

  it("looks unreachable while down, and recovers", async () => {
    await seededRepo("board");
    const a = await isoClone("board");
    server.setDown(true);
    // Server down → not an isomorphic-git error class: the raw Node socket error surfaces
    // (code "ECONNRESET" in practice, "ECONNREFUSED" for a closed port), so sync must map
    // Node's network codes itself.
    const err = await caught(git.fetch({ fs, http, dir: a, remote: "origin", ref: "main", onAuth }));
    expect(err).toBeInstanceOf(Error);
    const code = (err as NodeJS.ErrnoException).code;
    console.info(`fetch while down: ${String(code)} ${(err as Error).name}: ${(err as Error).message}`);
    expect(code).toMatch(/^E(CONNRESET|CONNREFUSED|PIPE)$/);

    server.setDown(false);
    await git.fetch({ fs, http, dir: a, remote: "origin", ref: "main", onAuth });
  });
});

describe("git server without a token", () => {
  it("serves anonymous clone and push", async () => {
    const open = await startGitServer();
    try {
      const seed = await makeTempBoard({ "x.md": "x\n" });
      await open.createRepo("open", { from: seed.dir });
      const dir = tempDir();
      await git.clone({ fs, http, dir, url: open.repoUrl("open") });
      writeFileSync(join(dir, "y.md"), "y\n");
      await git.add({ fs, dir, filepath: "y.md" });
      await git.commit({ fs, dir, message: "y", author });
      const res = await git.push({ fs, http, dir, remote: "origin", ref: "main" });
      expect(res.ok).toBe(true);
      expect(open.requests.some((r) => r.status === 401)).toBe(false);
    } finally {
      await open.close();
    }
  });
});
