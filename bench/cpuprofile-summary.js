// Summarise a V8 CPU profile: self time by function and by file/package.
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bin/bead.js ls --json > /dev/null
//   node bench/cpuprofile-summary.js /tmp/prof/*.cpuprofile [top]
import { readFileSync } from "node:fs";

const [file, topText] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: node bench/cpuprofile-summary.js <file.cpuprofile> [top]\n");
  process.exit(1);
}
const top = Number(topText) || 25;
const profile = JSON.parse(readFileSync(file, "utf8"));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const byFunction = new Map();
const byFile = new Map();
let total = 0;
const short = (url) => url.replace(/^file:\/\/.*?\/node_modules\//, "nm/").replace(/^file:\/\/.*?\/(dist|bench|bin)\//, "$1/");
for (let i = 0; i < profile.samples.length; i++) {
  const frame = nodes.get(profile.samples[i]).callFrame;
  const ms = profile.timeDeltas[i] / 1000;
  total += ms;
  const fn = `${frame.functionName || "(anonymous)"} ${short(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  const where = frame.url ? short(frame.url).replace(/^nm\/((@[^/]+\/)?[^/]+)\/.*/, "nm/$1") : frame.functionName;
  byFile.set(where, (byFile.get(where) ?? 0) + ms);
}
const print = (title, map) => {
  process.stdout.write(`${title}\n`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${v.toFixed(1).padStart(8)} ms  ${k}\n`);
};
process.stdout.write(`sampled ${total.toFixed(0)} ms\n`);
print("self time by function:", byFunction);
print("self time by file / package:", byFile);
