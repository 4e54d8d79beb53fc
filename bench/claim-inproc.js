// Claim latency in-process: one long-lived process (as an agent is) claims beads one after
// another through claimBead, sharing one write context (and isomorphic-git cache).
// Usage: node bench/claim-inproc.js <board> <ids.json>; prints JSON on stdout.
import { readFileSync } from "node:fs";

const [board, idsFile] = process.argv.slice(2);
const ids = JSON.parse(readFileSync(idsFile, "utf8"));
const t0 = performance.now();
// BENCH_DIST: the snapshot of dist/ that bench/run.js measures (default: ../dist).
const dist = process.env.BENCH_DIST ?? new URL("../dist", import.meta.url).pathname;
const { boardPaths } = await import(`${dist}/board/paths.js`);
const { writeContext } = await import(`${dist}/board/write.js`);
const { claimBead } = await import(`${dist}/claim/claim.js`);
const importMs = performance.now() - t0;
const ctx = writeContext(boardPaths(board));
const latencies = [];
const failures = [];
for (const id of ids) {
  const start = performance.now();
  try {
    const outcome = await claimBead(ctx, id, { agent: "inproc", leaseMs: 15 * 60_000, host: "bench" });
    if (!outcome.commit) failures.push(`${id}: no commit`);
  } catch (error) {
    failures.push(`${id}: ${error.message}`);
    continue;
  }
  latencies.push(performance.now() - start);
}
process.stdout.write(JSON.stringify({ importMs, latencies, failures }));
