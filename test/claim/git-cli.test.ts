/**
 * Living beside the git CLI: while claimer processes commit claims, a person runs `git add`,
 * `git commit`, `git status`, `git checkout -b`/`git checkout main` and `git pull` from a local
 * clone in the same repository. A person's command may fail because the index or a ref is
 * locked (they retry, as people do); what must never happen is a lost commit or a broken repo.
 */
import { closeSync, existsSync, mkdtempSync, openSync, realpathSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanupTempBoards, GitCommandError, makeTempBoard, runGit } from "../helpers/temp-board.js";
import { assertBuilt, beadFiles, repoHealth, spawnActor, type Actor } from "./support.js";

const BEADS = 120;
/**
 * What a person may see from a git command that collided with a bead commit; retrying is the fix.
 * `git pull` fails in more ways (see pull failures in the log): its fetch sees HEAD move and gives
 * up ("fetch updated the current branch head"), its merge runs `git stash create`, which fails on
 * a locked index ("stash failed"), or loses the compare-and-swap of HEAD ("cannot lock ref").
 * Any failed pull is retried, as long as it leaves a repository that a retry can work with.
 */
const TRANSIENT = /index\.lock|Unable to create .*\.lock|cannot lock ref|but expected|unable to write new index file|Unable to write index/i;

const scratch: string[] = [];
const live: Actor[] = [];

beforeAll(assertBuilt);
afterEach(async () => {
  for (const actor of live.splice(0)) actor.child.kill("SIGKILL");
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
  await cleanupTempBoards();
});

interface Person {
  retries: Map<string, number>;
  failures: string[];
  /** What failed pulls left behind and the person tidied up (see tidyAfterFailedPull). */
  tidied: string[];
  /** Runs git, retrying after a lock collision; undefined (and noted in `failures`) on any other failure. */
  git(cwd: string, args: string[]): Promise<string | undefined>;
}

/**
 * A person at a terminal: retries a command that hit a lock (for as long as the claimers keep the
 * index busy; agents that claim back to back can starve a `git pull`); notes anything else.
 */
function person(board: string, busy: () => boolean): Person {
  const me: Person = {
    retries: new Map(),
    failures: [],
    tidied: [],
    async git(cwd, args) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await runGit(cwd, args);
        } catch (error) {
          if (!(error instanceof GitCommandError)) throw error;
          const message = `${error.stderr}${error.stdout}`.trim();
          // An abort that hit a lock may have got as far as dropping MERGE_HEAD: the retry finds it done.
          if (attempt > 1 && args[0] === "merge" && args[1] === "--abort" && /There is no merge to abort/.test(message)) return "";
          const retry = TRANSIENT.test(message) || args[0] === "pull";
          if (!retry || (attempt >= 100 && !busy())) {
            me.failures.push(`git ${args.join(" ")} (attempt ${attempt}): ${message}`);
            return undefined;
          }
          const line = message.split("\n").find((text) => TRANSIENT.test(text)) ?? message.split("\n")[0];
          const key = `${args[0]}: ${line}`.replace(/[0-9a-f]{40}/g, "<oid>").replace(board, "<board>");
          me.retries.set(key, (me.retries.get(key) ?? 0) + 1);
          if (args[0] === "pull") await tidyAfterFailedPull(me, board);
          await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
        }
      }
    },
  };
  return me;
}

/**
 * A failed `git pull` can leave a mess, through no fault of the bead commit that raced it: git
 * assumes it is the only writer. Its merge reads the index before it takes index.lock (so the
 * index it writes can hold an older version of a bead just claimed); a merge that loses HEAD's
 * compare-and-swap stops with a merge in progress (concluding it with `git commit` would revert
 * the claim); a merge whose strategy fails rolls index and work tree back to the HEAD it started
 * from (`read-tree --reset -u`), wiping a claim committed meanwhile from the disk, or dies half
 * way and leaves the files it brought in. The person tidies up with path-limited commands:
 * abort the merge, put bead files whose index and work tree are older than HEAD back to HEAD,
 * and remove what the merge brought in.
 */
async function tidyAfterFailedPull(me: Person, board: string): Promise<void> {
  if (existsSync(join(board, ".git", "MERGE_HEAD"))) {
    await restoreBeadsFromHead(me, board, "merge in progress");
    await me.git(board, ["merge", "--abort"]);
  }
  await restoreBeadsFromHead(me, board, "no merge in progress");
  const status = (await runGit(board, ["status", "--porcelain", "--untracked-files=all"])).split("\n").filter(Boolean);
  const broughtIn = status.filter((line) => /^(A |\?\?) clone-\d+\.txt$/.test(line)).map((line) => line.slice(3));
  if (broughtIn.length === 0) return;
  me.tidied.push(`left by the merge: ${broughtIn.join(", ")}`);
  await me.git(board, ["rm", "-q", "--cached", "--ignore-unmatch", "--", ...broughtIn]);
  for (const path of broughtIn) rmSync(join(board, path), { force: true });
}

/**
 * Bead files a failed merge left older than HEAD in the index (and maybe the work tree too),
 * with no other version on disk that could be a person's edit: back to HEAD's version. Looked
 * at while holding index.lock, as git would: a bead commit moves HEAD a moment before it
 * updates the index, and a lockless look in between would see every claim in flight as "older".
 */
async function restoreBeadsFromHead(me: Person, board: string, when: string): Promise<void> {
  const lock = join(board, ".git", "index.lock");
  for (;;) {
    try {
      closeSync(openSync(lock, "wx"));
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  const older: string[] = [];
  try {
    const staged = (await runGit(board, ["diff", "--cached", "--name-only", "HEAD", "--", "beads/"])).split("\n").filter(Boolean);
    const unstaged = new Set((await runGit(board, ["diff", "--name-only", "--", "beads/"])).split("\n").filter(Boolean));
    for (const path of staged) {
      if (!unstaged.has(path)) older.push(path); // index and work tree both rolled back
      else if ((await runGit(board, ["hash-object", "--", path])) === (await runGit(board, ["rev-parse", `HEAD:${path}`]))) older.push(path); // the index only
    }
  } finally {
    unlinkSync(lock);
  }
  if (older.length === 0) return;
  me.tidied.push(`${when}: ${older.join(", ")} older than HEAD`);
  await me.git(board, ["checkout", "-q", "HEAD", "--", ...older]);
}

describe("claims beside a person using the git CLI", () => {
  it("loses no commit and corrupts nothing while a person commits, checks out and pulls", async () => {
    const board = await makeTempBoard({ ...beadFiles(BEADS), "notes/README.txt": "a person's notes\n" });
    const cloneParent = realpathSync(mkdtempSync(join(tmpdir(), "beadboard-clone-")));
    scratch.push(cloneParent);
    const clone = join(cloneParent, "clone");
    await runGit(cloneParent, ["clone", "-q", board.dir, clone]);

    const ids = Object.keys(beadFiles(BEADS)).map((path) => path.slice("beads/".length, -".md".length));
    const actors = [0, 1].map((k) => spawnActor(["loop", board.dir, `a${k + 1}`, "5", ids.filter((_, i) => i % 2 === k).join(",")]));
    live.push(...actors);
    let claiming = true;
    const finished = Promise.all(actors.map((actor) => actor.exited)).then((codes) => {
      claiming = false;
      return codes;
    });

    const me = person(board.dir, () => claiming);
    const personCommits: string[] = [];
    const cloneCommits: string[] = [];
    let round = 0;
    while (claiming || round < 3) {
      round++;
      // Commit an unrelated file, the ordinary way.
      writeFileSync(join(board.dir, "notes", `round-${round}.txt`), `round ${round}\n`);
      if ((await me.git(board.dir, ["add", `notes/round-${round}.txt`])) !== undefined) {
        const message = `person: note ${round}`;
        if ((await me.git(board.dir, ["commit", "-q", "-m", message])) !== undefined) personCommits.push(message);
      }
      await me.git(board.dir, ["status", "--porcelain"]);
      // Wander off to a new branch and come back.
      await me.git(board.dir, ["checkout", "-q", "-b", `side-${round}`]);
      await me.git(board.dir, ["checkout", "-q", "main"]);
      // A commit made elsewhere, pulled in through a file-path remote.
      writeFileSync(join(clone, `clone-${round}.txt`), `from the clone, round ${round}\n`);
      await runGit(clone, ["add", `clone-${round}.txt`]);
      await runGit(clone, ["-c", "user.name=Clone", "-c", "user.email=clone@test", "commit", "-q", "-m", `clone: change ${round}`]);
      cloneCommits.push(`clone: change ${round}`);
      await me.git(board.dir, ["pull", "-q", "--no-rebase", "--no-edit", clone, "main"]);
    }
    const codes = await finished;
    actors.forEach((actor, i) => expect(codes[i], actor.stderr()).toBe(0));
    console.log(`git-cli: ${round} rounds of person commands; retries: ${JSON.stringify(Object.fromEntries(me.retries))}`);
    expect(me.failures).toEqual([]);

    // Every claim a process was told succeeded is a commit in history, with its message.
    const onBranches = new Map(
      (await runGit(board.dir, ["log", "--all", "--format=%H %s"])).trim().split("\n").map((line) => [line.slice(0, 40), line.slice(41)] as const),
    );
    const attempts = actors.flatMap((actor) => actor.attempts());
    expect(attempts.length).toBe(BEADS);
    const unexpected = attempts.filter((a) => !a.ok);
    expect(unexpected, JSON.stringify(unexpected.slice(0, 3))).toEqual([]);
    for (const attempt of attempts) {
      expect(onBranches.get(String(attempt.commit)), `claim of ${attempt.id}`).toBe(`claim ${attempt.id} by ${attempt.agent}`);
    }
    // The person's commits and the pulled ones are all on main.
    const onMain = new Set((await runGit(board.dir, ["log", "main", "--format=%s"])).trim().split("\n"));
    for (const message of [...personCommits, ...cloneCommits]) expect(onMain, message).toContain(message);
    expect(personCommits.length).toBe(round);

    // Claims that landed while the person sat on a side branch stay on that branch. Every claim on
    // main still holds in main's tip: no person's commit reverted one (from an index gone stale).
    const mainCommits = new Set((await runGit(board.dir, ["log", "main", "--format=%H"])).trim().split("\n"));
    const tipHolders = new Map<string, string>();
    for (const line of (await runGit(board.dir, ["grep", "--no-color", "-e", "^claimed_by: ", "main", "--", "beads/"])).trim().split("\n")) {
      const match = /^main:beads\/(.+)\.md:claimed_by: (.+)$/.exec(line);
      if (match?.[1] && match[2]) tipHolders.set(match[1], match[2]);
    }
    const mainClaims = attempts.filter((a) => mainCommits.has(String(a.commit)));
    for (const claim of mainClaims) {
      if (tipHolders.get(claim.id) === `${claim.agent}@test`) continue;
      const story = await runGit(board.dir, ["log", "--format=%h %p %s", "--stat", "main", "--", `beads/${claim.id}.md`]);
      expect.fail(`claim of ${claim.id} (${String(claim.commit)}) is not in main's tip; its history:\n${story}`);
    }
    expect(mainClaims.length).toBeGreaterThan(0);
    console.log(`git-cli: ${mainClaims.length} of ${BEADS} claims on main, the rest on side branches`);
    console.log(`git-cli: tidied after failed pulls: ${me.tidied.length ? me.tidied.join("; ") : "nothing"}`);

    // A healthy repository, an index consistent with HEAD, and a clean work tree.
    expect(await repoHealth(board.dir)).toEqual({ fsck: "", status: "" });
    expect(await runGit(board.dir, ["symbolic-ref", "HEAD"])).toBe("refs/heads/main\n");
    await runGit(board.dir, ["diff", "--cached", "--quiet", "HEAD"]);
  }, 180_000);
});
