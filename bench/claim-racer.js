// One of N racing processes: claims every bead of a shared list in its own random order,
// counting wins and refusals. Modules load before the common start time so the race is fair.
// Start barrier: prints "ready" once loaded, then waits for a line on stdin before racing.
// Usage: node bench/claim-racer.js <board> <ids.json> <name> <seed>
import { readFileSync } from "node:fs";
import { rng } from "./gen.js";

const [board, idsFile, name, seedText] = process.argv.slice(2);
const ids = JSON.parse(readFileSync(idsFile, "utf8"));
// BENCH_DIST: the snapshot of dist/ that bench/run.js measures (default: ../dist).
const dist = process.env.BENCH_DIST ?? new URL("../dist", import.meta.url).pathname;
const { boardPaths } = await import(`${dist}/board/paths.js`);
const { writeContext } = await import(`${dist}/board/write.js`);
const { claimBead } = await import(`${dist}/claim/claim.js`);
const ctx = writeContext(boardPaths(board));

const rand = rng(Number(seedText));
const order = [...ids];
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
process.stdout.write("ready\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
process.stdin.pause();
const started = Date.now();
const claimed = [];
let refused = 0;
const errors = [];
const winMs = [];
for (const id of order) {
  const t = performance.now();
  try {
    await claimBead(ctx, id, { agent: name, leaseMs: 15 * 60_000, host: "bench" });
    claimed.push(id);
    winMs.push(performance.now() - t);
  } catch (error) {
    if (error?.code === "E_CLAIM_REFUSED") refused++;
    else errors.push(`${id}: ${error?.code ?? ""} ${error?.message ?? String(error)}`);
  }
}
process.stdout.write(`${JSON.stringify({ name, started, ended: Date.now(), claimed, refused, errors, winMs })}\n`);
