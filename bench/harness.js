// Acting-agent harness benchmarks (issue 11, Performance), on a 10,000-bead board with a small
// source tree beside the beads:
//   (a) harness overhead per tool step outside the model: runToolLoop (dist/) in a bead's worktree
//       with the real tools, the sensitivity gate and a transcript file, driven by a scripted
//       in-process provider that answers at once (so the model costs ~0 and is subtracted anyway).
//       Per step: wall from one model request to the next, minus the model call; also the tools'
//       own time and what is left (validation, gate, transcript, bookkeeping). Goal: p50 < 20 ms.
//   (b) worktree create + remove: openWorkspace + removeWorkspace (dist/workspace) against
//       `git worktree add -b` + `git worktree remove --force` + `git branch -D`, interleaved,
//       order alternated. Goal: within 2×.
//
//   node bench/harness.js            (after npm run build; writes bench/out/harness.json, prints the section)
//   import { runHarnessBench, renderMarkdown } from "./harness.js";   (bench/run.js)
//
// Environment: BENCH_QUICK=1 (1,000 beads, fewer rounds)  BENCH_HARNESS_SIZE=<beads>
//              BENCH_KEEP=1 (keep the temp board)  BENCH_DIST (a snapshot of dist/, as bench/run.js uses)
import { execFileSync } from "node:child_process";
import { mkdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateBoard, git } from "./gen.js";
import { busyFraction, machineInfo } from "./machine.js";
import { summarize } from "./timing.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = process.env.BENCH_DIST ?? join(ROOT, "dist");
const quick = process.env.BENCH_QUICK === "1";
const SIZE = Number(process.env.BENCH_HARNESS_SIZE ?? (quick ? 1000 : 10000));
const STEPS = quick ? 60 : 150;
const WORKTREE_ROUNDS = quick ? 5 : 15;
const SOURCE_FILES = 40;
const log = (message) => process.stderr.write(`[bench harness ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const load = async (rel) => import(pathToFileURL(join(DIST, rel)).href);

function writeSourceTree(dir) {
  mkdirSync(join(dir, "src"), { recursive: true });
  for (let i = 0; i < SOURCE_FILES; i++) {
    const body = Array.from({ length: 60 }, (_, line) => `export function f${i}_${line}(x) {\n  return x + ${line}; // MARK-${i}-${line}\n}\n`).join("");
    writeFileSync(join(dir, "src", `m${i}.js`), body);
  }
  writeFileSync(join(dir, "package.json"), '{ "name": "bench-repo", "type": "module" }\n');
}

/** The model's side: a tool call per turn, cycling through the tools with changing arguments, then finish. */
function script(steps) {
  const calls = [];
  for (let i = 0; i < steps; i++) {
    const file = `src/m${i % SOURCE_FILES}.js`;
    switch (i % 6) {
      case 0:
        calls.push(["read_file", { path: file }]);
        break;
      case 1:
        calls.push(["list_files", { path: i % 12 === 1 ? "beads" : "src" }]);
        break;
      case 2:
        calls.push(["search", { pattern: `MARK-${i % SOURCE_FILES}-7`, path: "src" }]);
        break;
      case 3:
        calls.push(["edit_file", { path: file, old_text: `// MARK-${i % SOURCE_FILES}-${Math.floor(i / 6) % 60}\n`, new_text: `// edited at step ${i}\n` }]);
        break;
      case 4:
        calls.push(["write_file", { path: `notes/step-${i}.md`, content: `Step ${i} notes.\n`.repeat(20) }]);
        break;
      default:
        calls.push(["read_file", { path: file, start_line: 10, end_line: 30 }]);
    }
  }
  calls.push(["finish", { result: "Benchmark loop done.", outcome: "done" }]);
  return calls;
}

function scriptedProvider(calls) {
  let turn = 0;
  return {
    kind: "ollama",
    host: "http://127.0.0.1:0",
    listModels: async () => [{ name: "bench:1b" }],
    chat: async () => {
      const [name, args] = calls[Math.min(turn, calls.length - 1)];
      turn += 1;
      return { content: "", model: "bench:1b", tokensIn: 0, tokensOut: 0, durationMs: 0, toolCalls: [{ id: `call_${turn}`, name, arguments: JSON.stringify(args) }] };
    },
  };
}

async function measureSteps(dir) {
  const { openWorkspace, removeWorkspace } = await load("workspace/workspace.js");
  const { runToolLoop } = await load("harness/loop.js");
  const { HARNESS_TOOLS } = await load("harness/tools/index.js");
  const { sensitivityResultGate } = await load("harness/result-gate.js");
  const { fileTranscript, transcriptPath } = await load("harness/transcript.js");
  const ws = await openWorkspace({ repoDir: dir, beadId: "bench-steps" });
  const toolMs = [];
  let currentTool = 0;
  // The tools' own time, timed around each run().
  const tools = Object.fromEntries(
    Object.entries(HARNESS_TOOLS).map(([name, tool]) => [
      name,
      {
        ...tool,
        run: async (input, ctx) => {
          const t0 = performance.now();
          try {
            return await tool.run(input, ctx);
          } finally {
            currentTool += performance.now() - t0;
          }
        },
      },
    ]),
  );
  const calls = script(STEPS);
  const requestAt = [];
  const replyAt = [];
  const toolAtRequest = [];
  const sink = fileTranscript(transcriptPath(join(dir, ".git"), "bench-steps", 1));
  const transcript = (entry) => {
    if (entry.kind === "request") {
      requestAt.push(performance.now());
      toolAtRequest.push(currentTool);
    }
    sink(entry);
  };
  const started = performance.now();
  const outcome = await runToolLoop({
    provider: scriptedProvider(calls),
    model: "bench:1b",
    messages: [{ role: "system", content: "You fix code." }, { role: "user", content: "Benchmark bead." }],
    tools,
    toolNames: ["read_file", "list_files", "search", "edit_file", "write_file", "finish"],
    ctx: { root: realpathSync(ws.dir), allow: [] },
    maxSteps: STEPS + 5,
    gate: sensitivityResultGate({ beadId: "bench-steps", agent: "bench", locality: "local", policy: { remoteMax: "internal", localOnly: false }, declared: "internal" }),
    transcript,
    onReply: () => replyAt.push(performance.now()),
  });
  const wallMs = performance.now() - started;
  await removeWorkspace(ws);
  if (outcome.stop !== "finish") throw new Error(`the loop ended with ${outcome.stop}: ${outcome.reason}`);
  const perStep = [];
  const perTool = {};
  const nonTool = [];
  for (let k = 0; k + 1 < requestAt.length; k++) {
    const model = replyAt[k] - requestAt[k];
    const step = requestAt[k + 1] - requestAt[k] - model;
    const toolTime = toolAtRequest[k + 1] - toolAtRequest[k];
    toolMs.push(toolTime);
    perStep.push(step);
    nonTool.push(step - toolTime);
    const name = calls[k][0] === "list_files" && calls[k][1].path === "beads" ? `list_files beads/ (${SIZE.toLocaleString("en-US")} entries)` : calls[k][0];
    (perTool[name] ??= []).push(step);
  }
  return {
    steps: outcome.steps,
    wallMs,
    perStep: summarize(perStep),
    toolMs: summarize(toolMs),
    outsideToolsMs: summarize(nonTool),
    perTool: Object.fromEntries(Object.entries(perTool).map(([name, values]) => [name, summarize(values)])),
  };
}

async function measureWorktrees(dir) {
  const { openWorkspace, removeWorkspace } = await load("workspace/workspace.js");
  const ours = [];
  const plain = [];
  const common = join(dir, ".git", "bench-plain");
  mkdirSync(common, { recursive: true });
  const oursOnce = async (i) => {
    const t0 = performance.now();
    const ws = await openWorkspace({ repoDir: dir, beadId: `bench-wt-${i}` });
    const removed = await removeWorkspace(ws);
    ours.push(performance.now() - t0);
    if (!removed.branchDeleted) throw new Error("removeWorkspace kept an empty branch");
  };
  const plainOnce = (i) => {
    const path = join(common, `wt-${i}`);
    const t0 = performance.now();
    git(dir, ["worktree", "add", "--quiet", "-b", `bench-plain-${i}`, path, "HEAD"]);
    git(dir, ["worktree", "remove", "--force", path]);
    git(dir, ["branch", "-D", "--quiet", `bench-plain-${i}`]);
    plain.push(performance.now() - t0);
  };
  // One warm-up of each (the first checkout of 10,000 files reads the pack cold).
  await oursOnce("warm");
  ours.length = 0;
  plainOnce("warm");
  plain.length = 0;
  for (let i = 0; i < WORKTREE_ROUNDS; i++) {
    if (i % 2 === 0) {
      await oursOnce(i);
      plainOnce(i);
    } else {
      plainOnce(i);
      await oursOnce(i);
    }
  }
  const o = summarize(ours);
  const p = summarize(plain);
  return { rounds: WORKTREE_ROUNDS, ours: o, plain: p, ratio: o.p50 / p.p50, ours_ms: ours, plain_ms: plain };
}

export async function runHarnessBench() {
  const started = performance.now();
  log(`generating a ${SIZE}-bead board with ${SOURCE_FILES} source files`);
  const board = generateBoard(SIZE);
  const dir = board.dir;
  writeSourceTree(dir);
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "-m", "source tree"]);
  git(dir, ["gc", "-q"]);
  try {
    const busy = await busyFraction(2000);
    log("tool steps");
    const steps = await measureSteps(dir);
    log("worktree create + remove");
    const worktrees = await measureWorktrees(dir);
    const files = Number(execFileSync("git", ["ls-files"], { cwd: dir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).split("\n").filter(Boolean).length);
    const result = { size: SIZE, files, busyBefore: busy, steps, worktrees, machine: machineInfo(ROOT), totalSeconds: (performance.now() - started) / 1000 };
    mkdirSync(join(ROOT, "bench", "out"), { recursive: true });
    writeFileSync(join(ROOT, "bench", "out", "harness.json"), `${JSON.stringify(result, null, 1)}\n`);
    return result;
  } finally {
    if (process.env.BENCH_KEEP !== "1") rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

const f = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const verdict = (ok) => (ok ? "PASS" : "**MISS**");

/** The RESULTS.md section for a runHarnessBench() result. */
export function renderMarkdown(r) {
  const s = r.steps;
  const w = r.worktrees;
  const out = [
    `## Acting-agent harness (bench/harness.js, ${r.size.toLocaleString("en-US")}-bead board)`,
    "",
    `The board is bench/gen.js's with ${SOURCE_FILES} source files beside the beads (${r.files.toLocaleString("en-US")} tracked files), packed by \`git gc\`. The model is a scripted in-process provider that answers each turn at once with the next tool call, so what is measured is the harness; its call time is subtracted all the same. Machine busy with other work just before: ${Math.round((r.busyBefore ?? 0) * 100)}%. ${r.machine?.cpuModel ?? ""}, ${r.machine?.nproc ?? "?"} cores, Node ${r.machine?.node ?? process.version}, git ${r.machine?.git ?? "?"}; load average at start ${(r.machine?.loadavgAtStart ?? []).join(", ")}. Total ${r.totalSeconds.toFixed(0)} s.`,
    "",
    "| measurement | value | goal | verdict |",
    "| --- | --: | --- | --- |",
    `| harness overhead per tool step outside the model, p50 (${s.steps} steps) | ${f(s.perStep.p50)} ms | < 20 ms | ${verdict(s.perStep.p50 < 20)} |`,
    `| worktree create + remove / git worktree add + remove + branch -D, p50 ratio (${w.rounds} rounds) | ${w.ratio.toFixed(2)}× (${f(w.ours.p50)} / ${f(w.plain.p50)} ms) | ≤ 2× | ${verdict(w.ratio <= 2)} |`,
    "",
    `### Per tool step: ${s.steps} steps of runToolLoop in a worktree of the board (wall ${f(s.wallMs)} ms)`,
    "",
    "A step is from one model request to the next, minus the model call: the call's validation, the tool, the result gate (secret detectors), the transcript line and the loop's bookkeeping. The tools' own time is measured around each tool's run().",
    "",
    "| | p50 | p95 | max | mean | n |",
    "| --- | --: | --: | --: | --: | --: |",
    `| whole step, outside the model | ${f(s.perStep.p50)} | ${f(s.perStep.p95)} | ${f(s.perStep.max)} | ${f(s.perStep.mean)} | ${s.perStep.n} |`,
    `| of which the tool itself | ${f(s.toolMs.p50)} | ${f(s.toolMs.p95)} | ${f(s.toolMs.max)} | ${f(s.toolMs.mean)} | ${s.toolMs.n} |`,
    `| of which the rest (validation, gate, transcript, loop) | ${f(s.outsideToolsMs.p50)} | ${f(s.outsideToolsMs.p95)} | ${f(s.outsideToolsMs.max)} | ${f(s.outsideToolsMs.mean)} | ${s.outsideToolsMs.n} |`,
    ...Object.entries(s.perTool).map(([name, t]) => `| step with ${name} | ${f(t.p50)} | ${f(t.p95)} | ${f(t.max)} | ${f(t.mean)} | ${t.n} |`),
    "",
    `### Worktree create + remove, ${w.rounds} rounds interleaved (order alternated), after one warm-up of each`,
    "",
    "Ours is `openWorkspace` + `removeWorkspace`: rev-parse of the common dir and the base, a stale-worktree check, `worktree prune`, a branch check, `worktree add -b`, then `worktree remove --force`, `worktree prune`, a count of the branch's own commits and `branch -D`. The reference is the three git commands a person would type.",
    "",
    "| | p50 | p95 | min | max |",
    "| --- | --: | --: | --: | --: |",
    `| openWorkspace + removeWorkspace | ${f(w.ours.p50)} | ${f(w.ours.p95)} | ${f(w.ours.min)} | ${f(w.ours.max)} |`,
    `| git worktree add -b + worktree remove --force + branch -D | ${f(w.plain.p50)} | ${f(w.plain.p95)} | ${f(w.plain.min)} | ${f(w.plain.max)} |`,
    "",
  ];
  return out.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await runHarnessBench();
  process.stdout.write(`${renderMarkdown(result)}\n`);
}
