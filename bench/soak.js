// Soak (issue 13, "a board that runs for months"), run after `npm run build`:
//   (a) `bead up --once` with 4 agents working N beads (default 2,000) from the benchmark model
//       stub (bench/model-stub.js: answers at once). The process's RSS (/proc/<pid>/status VmRSS)
//       is sampled every second next to the number of beads done so far (metrics.jsonl); reported:
//       RSS at the 200th bead, at the last, the peak, and the growth from the 200th to the last.
//   (b) `.git` size after 1,000 agent commits (claims, by dist/claim/claim.js) on a 10,000-bead
//       board, unpacked, packed by `git repack -d` and packed by the isomorphic-git fallback
//       (dist/git/pack-js.js), each on its own copy of the repository.
//   node bench/soak.js            BENCH_SOAK_BEADS=<n>  BENCH_SOAK_BOARD=<beads for (b)>
//                                 BENCH_SOAK_COMMITS=<n>  BENCH_SOAK_PART=a|b (default both)
import { spawn, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateBoard, git } from "./gen.js";
import { startModelStub, STUB_MODEL } from "./model-stub.js";
import { machineInfo } from "./machine.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BEAD_BIN = join(ROOT, "bin", "bead.js");
const dist = (path) => import(pathToFileURL(join(ROOT, "dist", path)).href);
const PART = process.env.BENCH_SOAK_PART ?? "ab";
const out = { machine: machineInfo(ROOT) };

if (PART.includes("a")) out.rss = await rssSoak(Number(process.env.BENCH_SOAK_BEADS ?? 2000));
if (PART.includes("b")) out.gitSize = await gitSize(Number(process.env.BENCH_SOAK_BOARD ?? 10_000), Number(process.env.BENCH_SOAK_COMMITS ?? 1000));
out.loadavgAtEnd = loadavg().map((v) => +v.toFixed(2));
console.log(JSON.stringify(out, null, 1));

async function rssSoak(beads) {
  const stub = await startModelStub();
  const dir = mkdtempSync(join(tmpdir(), "bead-soak-"));
  mkdirSync(join(dir, "agents"));
  mkdirSync(join(dir, "beads"));
  for (let a = 0; a < 4; a++) {
    writeFileSync(join(dir, "agents", `a${a}.md`), `---\nname: a${a}\nprovider: ollama\nmodel: ${STUB_MODEL}\nhost: ${stub.url}\ntakes: { labels: [l${a}] }\n---\nWork.\n`);
  }
  for (let i = 0; i < beads; i++) writeFileSync(join(dir, "beads", `bb-${i}.md`), `---\ntitle: Bead ${i}\nlabels: [l${i % 4}]\n---\nDo ${i}.\n`);
  writeFileSync(join(dir, ".beadboard.yml"), "prefix: bb\n");
  git(dir, ["init", "-q", "-b", "main"]);
  git(dir, ["config", "gc.auto", "0"]);
  git(dir, ["add", "-A"]);
  git(dir, ["-c", "user.name=seed", "-c", "user.email=seed@x", "commit", "-qm", "seed"]);
  const started = performance.now();
  const child = spawn(process.execPath, [BEAD_BIN, "up", "--once"], {
    cwd: dir,
    env: { ...process.env, BEAD_ACTOR: "soak <soak@bench>", BEAD_HOST: "soak", GIT_AUTHOR_NAME: "soak", GIT_AUTHOR_EMAIL: "soak@bench", GIT_COMMITTER_NAME: "soak", GIT_COMMITTER_EMAIL: "soak@bench" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
  child.stderr.resume();
  const metrics = join(dir, ".git", "beadboard", "metrics.jsonl");
  const samples = [];
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  let running = true;
  void exited.then(() => (running = false));
  while (running) {
    const rss = rssKb(child.pid);
    if (rss !== undefined) samples.push({ done: doneCount(metrics), rssKb: rss, s: Math.round((performance.now() - started) / 1000) });
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000))]);
  }
  const code = await exited;
  const at200 = samples.find((sample) => sample.done >= 200);
  const last = samples.at(-1);
  const peak = Math.max(...samples.map((sample) => sample.rssKb));
  await stub.close();
  const done = doneCount(metrics);
  rmSync(dir, { recursive: true, force: true });
  return {
    beads,
    agents: 4,
    exit_code: code,
    done,
    seconds: Math.round((performance.now() - started) / 1000),
    rss_mb_at_200th: at200 ? +(at200.rssKb / 1024).toFixed(1) : null,
    rss_mb_at_last: last ? +(last.rssKb / 1024).toFixed(1) : null,
    done_at_last_sample: last?.done ?? null,
    rss_mb_peak: +(peak / 1024).toFixed(1),
    growth_200th_to_last_pct: at200 && last ? +((100 * (last.rssKb - at200.rssKb)) / at200.rssKb).toFixed(1) : null,
    summary: stdout.trim(),
  };
}

function rssKb(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function doneCount(metrics) {
  if (!existsSync(metrics)) return 0;
  return readFileSync(metrics, "utf8").split("\n").filter((line) => line.includes('"event":"done"')).length;
}

async function gitSize(beads, commits) {
  const { writeContext } = await dist("board/write.js");
  const { boardPaths } = await dist("board/paths.js");
  const { claimBead } = await dist("claim/claim.js");
  const { packLooseObjects, countLooseObjects } = await dist("git/pack.js");
  const board = generateBoard(beads);
  git(board.dir, ["repack", "-adq"]); // the seed commit packed, as a board that ran a while would be
  const ctx = writeContext(boardPaths(board.dir), { ...process.env, BEAD_ACTOR: "soak <soak@bench>" });
  const before = sizeKb(join(board.dir, ".git"));
  const started = performance.now();
  const ids = board.claimable.slice(0, commits);
  for (const id of ids) await claimBead(ctx, id, { agent: "soak", host: "bench", leaseMs: 3_600_000 });
  const commitSeconds = (performance.now() - started) / 1000;
  const gitdir = join(board.dir, ".git");
  const loose = countLooseObjects(gitdir);
  const unpacked = sizeKb(gitdir);
  const copies = {};
  for (const by of ["git", "isomorphic-git"]) {
    const copy = mkdtempSync(join(tmpdir(), `bead-soak-${by}-`));
    cpSync(board.dir, copy, { recursive: true });
    const t = performance.now();
    const outcome = await packLooseObjects(copy, join(copy, ".git"), by === "git" ? { threshold: 1 } : { threshold: 1, gitBinary: join(copy, "no-git-here") });
    copies[by] = { outcome, seconds: +((performance.now() - t) / 1000).toFixed(1), git_kb: sizeKb(join(copy, ".git")), fsck: fsck(copy) };
    rmSync(copy, { recursive: true, force: true });
  }
  rmSync(board.dir, { recursive: true, force: true });
  return {
    beads,
    agent_commits: ids.length,
    commit_seconds: +commitSeconds.toFixed(1),
    git_kb_before_commits: before,
    loose_objects_after: loose,
    git_kb_unpacked: unpacked,
    packed_by_git: copies.git,
    packed_by_isomorphic_git: copies["isomorphic-git"],
  };
}

function sizeKb(path) {
  return Number(execFileSync("du", ["-sk", path], { encoding: "utf8" }).split("\t")[0]);
}

function fsck(dir) {
  try {
    git(dir, ["fsck", "--full", "--no-dangling"]);
    return "clean";
  } catch (error) {
    return String(error.stderr ?? error.message).slice(0, 200);
  }
}
