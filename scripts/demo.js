#!/usr/bin/env node
// The README quick start: copy the example board (beads/, agents/, memory/, and calc/, the code
// codemonkey fixes) into a fresh git repository, prepare it with `bead init`, and let its agents
// work everything that is ready. Then the acting agent's change: bead → worktree → branch →
// `bead diff` → `bead merge`. Without Ollama, a scripted stand-in (scripts/demo-model.js) plays
// codemonkey's model for that one bead, through the real harness, tools and git.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SCRIPTED_BEAD, startScriptedModel } from "./demo-model.js";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bead = join(root, "bin", "bead.js");
const board = mkdtempSync(join(tmpdir(), "beadboard-demo-"));
for (const dir of ["beads", "agents", "memory", "calc"]) cpSync(join(root, dir), join(board, dir), { recursive: true });
const actor = { BEAD_ACTOR: "beadboard demo <demo@beadboard.local>" };
const identity = { GIT_AUTHOR_NAME: "beadboard demo", GIT_AUTHOR_EMAIL: "demo@beadboard.local", GIT_COMMITTER_NAME: "beadboard demo", GIT_COMMITTER_EMAIL: "demo@beadboard.local" };

function say(args, program = "bead") {
  console.log(`\n$ ${program} ${args.join(" ")}`);
}

function run(args, { allowFailure = false } = {}) {
  say(args);
  const result = spawnSync(process.execPath, [bead, ...args], { cwd: board, stdio: "inherit", env: { ...actor, ...process.env } });
  if (result.status !== 0 && !allowFailure) process.exit(result.status ?? 1);
  return result.status;
}

/** Like run, without blocking this process: the scripted stand-in answers from it meanwhile. */
function runAsync(args, env) {
  say(args);
  return new Promise((resolve) => spawn(process.execPath, [bead, ...args], { cwd: board, stdio: "inherit", env: { ...actor, ...process.env, ...env } }).on("exit", (code) => resolve(code)));
}

function gitQuiet(args) {
  const result = spawnSync("git", args, { cwd: board, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, ...identity } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const isDone = (id) => /^status: done$/m.test(readFileSync(join(board, "beads", `${id}.md`), "utf8"));

// The embedded agent's model: src/model/default-model.ts names it, and agents/tiny.md (held to it by test/cli/init-embedded.test.ts) is read here.
const tinyModel = /^model: (\S+)$/m.exec(readFileSync(join(root, "agents", "tiny.md"), "utf8"))?.[1];

console.log(`Example board copied to ${board}`);
// The code an acting agent works on must be committed: its worktree starts from the board's HEAD.
gitQuiet(["init", "-q", "-b", "main"]);
gitQuiet(["add", "-A"]);
gitQuiet(["commit", "-q", "-m", "example board"]);
run(["init"]);
run(["board"]);
// Online: says the size and downloads it with progress (once; later runs find it cached).
// Offline: says so; the embedded agent's bead is released and the rest of the demo runs.
const pulled = tinyModel ? run(["models", "pull", tinyModel], { allowFailure: true }) : 1;
if (pulled !== 0) console.log(`\nCould not fetch ${tinyModel} (offline?): the embedded agent (tiny) will release its bead; the rest of the demo runs.`);
const status = run(["up", "--once"], { allowFailure: true });
run(["ls"]);
run(["show", "bb-st4t"]);
run(["log", "bb-st4t"]);

let scripted = false;
if (!isDone(SCRIPTED_BEAD)) {
  scripted = true;
  console.log(`\nNo model answered for codemonkey, so a scripted stand-in (scripts/demo-model.js) now plays its model for ${SCRIPTED_BEAD}:
it calls the tools a model would (list, read, run the failing tests, edit, run them again, finish); the harness,
the worktree on bead/${SCRIPTED_BEAD} and the commits are the real ones. Other beads are handed back untouched.`);
  const standIn = await startScriptedModel();
  await runAsync(["up", "--once", "--agents", "codemonkey"], { OLLAMA_HOST: standIn.url });
  await standIn.close();
}
if (isDone(SCRIPTED_BEAD)) {
  run(["show", SCRIPTED_BEAD]);
  run(["diff", SCRIPTED_BEAD]);
  run(["merge", SCRIPTED_BEAD]);
  say(["--test", "calc/"], "node");
  spawnSync(process.execPath, ["--test", "calc/"], { cwd: board, stdio: "inherit" });
}
if (status !== 0 || scripted) {
  console.log(`
The builtin agent (reporter) needs no model and has done its bead${pulled === 0 ? ", and the embedded agent (tiny) ran its model inside bead" : ""}. Agents whose model
is not there (scout and codemonkey use Ollama${pulled === 0 ? "" : "; tiny's model was not fetched"}) released their beads, not failed them.
To run them:
    ollama serve &
    ollama pull qwen3:1.7b
    ollama pull qwen3:8b
    node ${bead} models pull ${tinyModel}
    node ${bead} -C ${board} up --once      # or \`bead up\` to keep watching
\`bead -C ${board} doctor\` checks the servers and models.`);
} else {
  console.log(`\nAll agents worked their beads. Explore the board: cd ${board} && git log --oneline`);
}
