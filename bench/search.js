// `bead search` at 10,000 beads, whole process, against `node -e 0` (DESIGN §10: under 200 ms).
// Run after `npm run build`: node bench/search.js [beads=10000] [runs=15]
// The generator's small vocabulary makes the common words match most beads: the worst case for
// ranking and for picking the matching line. Each query is run cold once (the text store is
// built), then timed warm; a bead edited between runs shows what one changed file costs.
import { rmSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateBoard, git } from "./gen.js";
import { lastCpuMs, summarize, timeOnce } from "./timing.js";

const count = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 15);
const bead = fileURLToPath(new URL("../bin/bead.js", import.meta.url));
const board = generateBoard(count);
git(board.dir, ["gc", "-q"]);

const node = (args) => [process.execPath, ...args];
const cases = [
  ["node -e 0 (bare Node start)", node(["-e", "0"])],
  ["bead ls --json (stored answer)", node([bead, "ls", "--json"])],
  ["bead search login (matches most beads)", node([bead, "search", "login"])],
  ['bead search "flaky timeout" --json', node([bead, "search", '"flaky timeout"', "--json"])],
  ["bead search retry label:ops status:open", node([bead, "search", "retry", "label:ops", "status:open"])],
  ["bead search zzzz (no match)", node([bead, "search", "zzzz"])],
  ["bead search login --all", node([bead, "search", "login", "--all"])],
  ["bead ls --text login --json", node([bead, "ls", "--text", "login", "--json"])],
];

const rows = [];
const firstRun = timeOnce(cases[2][1], board.dir);
for (const [name, argv] of cases) {
  timeOnce(argv, board.dir);
  const times = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    times.push(timeOnce(argv, board.dir));
    cpu.push(lastCpuMs);
  }
  rows.push([name, summarize(times), summarize(cpu)]);
}
// One bead saved between searches: its text is read again, the rest comes from the store.
const edited = join(board.dir, "beads", `${board.ids[0]}.md`);
const editedTimes = [];
const editedCpu = [];
for (let i = 0; i < runs; i++) {
  writeFileSync(edited, `${readFileSync(edited, "utf8")}\nedit ${i}\n`);
  editedTimes.push(timeOnce(cases[2][1], board.dir));
  editedCpu.push(lastCpuMs);
}
rows.push(["bead search login, one bead edited before each run", summarize(editedTimes), summarize(editedCpu)]);

const base = rows[0][1].p50;
const cpuBase = rows[0][2].p50;
console.log(`beads: ${count}, runs: ${runs}, first (cold) search: ${firstRun.toFixed(0)} ms, load average: ${(await import("node:os")).loadavg().map((n) => n.toFixed(1)).join(" ")}`);
// CPU time (user + system of the child) is what a busy shared machine disturbs least.
console.log("| command | wall p50 ms | wall p95 ms | wall p50 / node -e 0 | CPU p50 ms | CPU p50 / node -e 0 |\n| --- | --- | --- | --- | --- | --- |");
for (const [name, s, c] of rows) console.log(`| ${name} | ${s.p50.toFixed(0)} | ${s.p95.toFixed(0)} | ${(s.p50 / base).toFixed(2)}× | ${c.p50.toFixed(0)} | ${(c.p50 / cpuBase).toFixed(2)}× |`);
rmSync(board.dir, { recursive: true, force: true });
