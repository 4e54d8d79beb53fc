/**
 * Living beside the git CLI: while claimer processes commit claims, a person runs `git add`,
 * `git commit`, `git status`, `git checkout -b`/`git checkout main` and `git pull` from a local
 * clone in the same repository. A person's command may fail because the index or a ref is
 * locked (they retry, as people do); what must never happen is a lost commit or a broken repo.
 */
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
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
  /** Bead files whose index entry a failed `git merge` had put back to an older version (see pull()). */
  staleEntries: string[];
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
    staleEntries: [],
    async git(cwd, args) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await runGit(cwd, args);
        } catch (error) {
          if (!(error instanceof GitCommandError)) throw error;
          const message = `${error.stderr}${error.stdout}`.trim();
          const retry = TRANSIENT.test(message) || args[0] === "pull";
          if (!retry || (attempt >= 100 && !busy())) {
            me.failures.push(`git ${args.join(" ")} (attempt ${attempt}): ${message}`);
            return undefined;
          }
          const line = message.split("\n").find((text) => TRANSIENT.test(text)) ?? message.split("\n")[0];
          const key = `${args[0]}: ${line}`.replace(/[0-9a-f]{40}/g, "<oid>").replace(board, "<board>");
          me.retries.set(key, (me.retries.get(key) ?? 0) + 1);
          if (args[0] === "pull" && existsSync(join(board, ".git", "MERGE_HEAD"))) await abortMerge(me, board);
          await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
        }
      }
    },
  };
  return me;
}

/**
 * A `git pull` whose merge lost the race for HEAD to a bead commit stops with a merge in
 * progress. `git merge` read the index before taking index.lock, so the index it wrote can hold
 * an older version of a bead the bead commit had just updated (git assumes it is the only writer).
 * Concluding that merge with `git commit` would revert the claim; the person aborts it instead,
 * after putting such stale entries back to HEAD's version (work tree and HEAD agree on them).
 */
async function abortMerge(me: Person, board: string): Promise<void> {
  const staged = (await runGit(board, ["diff", "--cached", "--name-only", "HEAD", "--", "beads/"])).split("\n").filter(Boolean);
  for (const path of staged) {
    const [worktree, head] = await Promise.all([runGit(board, ["hash-object", "--", path]), runGit(board, ["rev-parse", `HEAD:${path}`])]);
    if (worktree.trim() === head.trim()) me.staleEntries.push(path);
  }
  const stale = me.staleEntries.filter((path) => staged.includes(path));
  if (stale.length > 0) await me.git(board, ["reset", "-q", "--", ...stale]);
  await me.git(board, ["merge", "--abort"]);
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
    console.log(`git-cli: index entries a failed git merge left stale: ${me.staleEntries.length ? me.staleEntries.join(", ") : "none"}`);

    // A healthy repository, an index consistent with HEAD, and a clean work tree.
    expect(await repoHealth(board.dir)).toEqual({ fsck: "", status: "" });
    expect(await runGit(board.dir, ["symbolic-ref", "HEAD"])).toBe("refs/heads/main\n");
    await runGit(board.dir, ["diff", "--cached", "--quiet", "HEAD"]);
  }, 180_000);
});
