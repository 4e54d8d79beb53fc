// Fair work across clones (issue 13): C clones of one board on the tests' smart-HTTP git server
// (test/helpers/git-server.ts), each running `bead up --once` with 2 agents on the benchmark
// model stub (bench/model-stub.js: answers at once), over N beads. Reports: double claims (a bead
// with more than one result commit), results present on the server, each clone's share of the
// results, claims/s, merge commits per claim. Run after `npm run build`:
//   node bench/fleet.js [clones=4] [beads=200]   (BENCH_LIMIT_S: SIGTERM after; BENCH_KEEP=1: keep the temp dirs)
import { spawn, execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
// The git server runs in this process: anything that talks to it must not block the event loop.
const execFileAsync = promisify(execFile);
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { importTs } from "./ts-module.js";
import { startModelStub, STUB_MODEL } from "./model-stub.js";

const { startGitServer } = await importTs("test/helpers/git-server.ts");
const { gitEnv } = await importTs("test/helpers/temp-board.ts");
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BEAD_BIN = join(ROOT, "bin", "bead.js");
const CLONES = Number(process.argv[2] ?? 4);
const BEADS = Number(process.argv[3] ?? 200);
const TOKEN = "fleet-bench-token-0123456789";
const basic = Buffer.from(`x:${TOKEN}`).toString("base64");
const env = gitEnv();
const git = (dir, args) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

const stub = await startModelStub();
const server = await startGitServer({ token: TOKEN });
const work = mkdtempSync(join(tmpdir(), "bead-fleet-"));
const seed = join(work, "seed");
mkdirSync(join(seed, "agents"), { recursive: true });
mkdirSync(join(seed, "beads"));
for (const name of ["coder", "tester"]) {
  writeFileSync(join(seed, "agents", `${name}.md`), `---\nname: ${name}\nprovider: ollama\nmodel: ${STUB_MODEL}\nhost: ${stub.url}\ntakes: { labels: [${name === "coder" ? "code" : "test"}] }\n---\nWork.\n`);
}
for (let i = 0; i < BEADS; i++) writeFileSync(join(seed, "beads", `bb-${i}.md`), `---\ntitle: Bead ${i}\nlabels: [${i % 2 ? "code" : "test"}]\n---\nDo ${i}.\n`);
writeFileSync(join(seed, ".beadboard.yml"), "prefix: bb\n");
git(seed, ["init", "-q", "-b", "main"]);
git(seed, ["add", "-A"]);
git(seed, ["-c", "user.name=seed", "-c", "user.email=seed@x", "commit", "-qm", "seed"]);
await server.createRepo("board", { from: seed });
const url = server.repoUrl("board");
const clones = [];
for (let c = 0; c < CLONES; c++) {
  const dir = join(work, `clone${c}`);
  await execFileAsync("git", ["-c", `http.extraHeader=Authorization: Basic ${basic}`, "clone", "-q", url, dir], { cwd: work, env });
  clones.push(dir);
}
const started = performance.now();
const exits = await Promise.all(
  clones.map(
    (dir, c) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [BEAD_BIN, "up", "--once", "-C", dir], {
          env: { ...env, BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0", BEAD_HOST: `host${c}`, BEAD_ACTOR: `clone${c} <clone${c}@bench>` },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
        child.stderr.setEncoding("utf8").on("data", (d) => (err += d));
        // A bound on the whole run: SIGTERM (a clean stop) after BENCH_LIMIT_S.
        const limit = setTimeout(() => child.kill("SIGTERM"), Number(process.env.BENCH_LIMIT_S ?? 240) * 1000);
        child.on("exit", (code) => (clearTimeout(limit), resolve({ code, out: out.trim(), err: process.env.BENCH_FULL ? err : err.split("\n").slice(-8).join("\n") })));
      }),
  ),
);
// What --once left unpushed goes out now.
for (const dir of clones) await syncBead(dir);
const seconds = (performance.now() - started) / 1000;
const bare = server.barePath("board");
const log = git(bare, ["log", "--format=%ae|%s|%P", "main"]).trim().split("\n").map((line) => line.split("|"));
const results = log.filter(([, subject]) => /^done bb-\d+$/.test(subject));
const perBead = new Map();
for (const [, subject] of results) perBead.set(subject, (perBead.get(subject) ?? 0) + 1);
const claims = log.filter(([, subject]) => /^claim bb-\d+ by /.test(subject));
const merges = log.filter(([, , parents]) => parents.split(" ").length > 1).length;
const shares = clones.map((_, c) => results.filter(([email]) => email.endsWith(`@host${c}.beadboard`)).length);
const done = Array.from({ length: BEADS }, (_, i) => /^status: done$/m.test(git(bare, ["show", `main:beads/bb-${i}.md`]))).filter(Boolean).length;
const fair = BEADS / CLONES;
console.log(
  JSON.stringify(
    {
      clones: CLONES,
      beads: BEADS,
      exit_codes: exits.map((e) => e.code),
      seconds: Math.round(seconds),
      results_on_server: done,
      double_results: [...perBead.values()].filter((n) => n > 1).length,
      results_per_clone: shares,
      within_50pct_of_fair_share: shares.every((n) => n >= fair * 0.5 && n <= fair * 1.5),
      claims_per_s: +(claims.length / seconds).toFixed(2),
      merge_commits: merges,
      merges_per_claim: +(merges / Math.max(1, claims.length)).toFixed(3),
      summaries: exits.map((e) => e.out),
      ...(process.env.BENCH_VERBOSE ? { stderr_tails: exits.map((e) => e.err) } : {}),
    },
    null,
    1,
  ),
);
await server.close();
await stub.close();
if (process.env.BENCH_KEEP) console.error(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });

async function syncBead(dir) {
  try {
    await execFileAsync(process.execPath, [BEAD_BIN, "sync", "-C", dir], { env: { ...env, BEAD_TOKEN: TOKEN, BEAD_CREDENTIAL_HELPER: "0" } });
  } catch {
    // reported through the numbers
  }
}
