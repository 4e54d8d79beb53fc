// Fallback for peak RSS when /usr/bin/time is missing: run bin/bead.js in this process and
// report process.resourceUsage().maxRSS (KiB) on stderr at exit.
// Usage: node bench/rss-wrapper.js <bead args...>
// bin/bead.js reads process.argv.slice(2): [node, this wrapper, ...bead args] already fits.
process.on("exit", () => {
  process.stderr.write(`\nMAXRSS_KB ${process.resourceUsage().maxRSS}\n`);
});
await import("../bin/bead.js");
