#!/usr/bin/env node
// The README quick start: copy the example board (beads/, agents/, memory/) into a fresh git
// repository, prepare it with `bead init`, and let its agents work everything that is ready.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bead = join(root, "bin", "bead.js");
const board = mkdtempSync(join(tmpdir(), "beadboard-demo-"));
for (const dir of ["beads", "agents", "memory"]) cpSync(join(root, dir), join(board, dir), { recursive: true });

function run(args, { allowFailure = false } = {}) {
  console.log(`\n$ bead ${args.join(" ")}`);
  const result = spawnSync(process.execPath, [bead, ...args], { cwd: board, stdio: "inherit", env: { BEAD_ACTOR: "beadboard demo <demo@beadboard.local>", ...process.env } });
  if (result.status !== 0 && !allowFailure) process.exit(result.status ?? 1);
  return result.status;
}

// The embedded agent's model: src/model/default-model.ts names it, and agents/tiny.md (held to it by test/cli/init-embedded.test.ts) is read here.
const tinyModel = /^model: (\S+)$/m.exec(readFileSync(join(root, "agents", "tiny.md"), "utf8"))?.[1];

console.log(`Example board copied to ${board}`);
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
if (status !== 0) {
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
