#!/usr/bin/env node
// `bead serve` on a 10,000-bead board in headless Chromium (Debian's chromium): first paint of
// the board page, and how long a file saved by hand takes to show on an open page.
// Needs `npm run build` (it runs dist/serve/server.js and its page from dist/page/).
//   node bench/serve.js [beads=10000] [saves=20]
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { generateBoard } from "./gen.js";
import { summarize } from "./timing.js";

const count = Number(process.argv[2] ?? 10_000);
const saves = Number(process.argv[3] ?? 20);
const { startServer } = await import("../dist/serve/server.js");
const { boardPaths } = await import("../dist/board/paths.js");

const board = generateBoard(count);
const stop = new AbortController();
const startedMs = performance.now();
const server = await startServer({ paths: boardPaths(board.dir), env: { ...process.env, BEAD_ACTOR: "bench <bench@beadboard.local>" }, host: "127.0.0.1", port: 0, signal: stop.signal });
const serverStartMs = performance.now() - startedMs;
const browser = await chromium.launch({ executablePath: execFileSync("which", ["chromium"], { encoding: "utf8" }).trim(), args: ["--no-sandbox"] });

const apiStart = performance.now();
const apiBytes = (await (await fetch(`${server.url}api/board`)).arrayBuffer()).byteLength;
const apiMs = performance.now() - apiStart;

// First paint: from the navigation to the board's cards painted (a frame after they are in the DOM).
const paints = [];
for (let i = 0; i < 6; i++) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const t0 = performance.now();
  await page.goto(server.url);
  await page.waitForSelector(".col-open .card");
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const ms = performance.now() - t0;
  const domCards = await page.locator(".card").count();
  if (i > 0) paints.push(ms); // the first load warms Chromium's own caches
  if (i === 5) console.log(`cards in the DOM: ${domCards} of ${count}`);
  await page.close();
}

// Save -> page: a new file in beads/, until its card is in the open page's DOM.
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.goto(server.url);
await page.waitForSelector(".live.on");
await page.waitForSelector(".col-open .card");
await page.evaluate(() => {
  globalThis.__seen = {};
  new MutationObserver(() => {
    for (const node of document.querySelectorAll("[data-id^='aa-live-']")) globalThis.__seen[node.dataset.id] ??= Date.now();
  }).observe(document.body, { childList: true, subtree: true });
});
const latencies = [];
for (let i = 0; i < saves; i++) {
  const id = `aa-live-${String(i).padStart(3, "0")}`;
  const savedAt = Date.now();
  writeFileSync(join(board.dir, "beads", `${id}.md`), `---\ntitle: Saved by hand ${i}\nstatus: open\npriority: 0\n---\n`);
  const handle = await page.waitForFunction((want) => globalThis.__seen[want], id, { polling: 5, timeout: 10_000 });
  latencies.push((await handle.jsonValue()) - savedAt);
  await new Promise((resolve) => setTimeout(resolve, 150)); // let the page settle between saves
}

await browser.close();
stop.abort();
rmSync(board.dir, { recursive: true, force: true });

const paint = summarize(paints);
const update = summarize(latencies);
const row = (name, s, goal) => `| ${name} | ${s.p50.toFixed(0)} | ${s.p95.toFixed(0)} | ${s.max.toFixed(0)} | ${goal} | ${s.p95 < goal ? "ok" : "over"} |`;
console.log(`board: ${count} beads; server start (board loaded): ${serverStartMs.toFixed(0)} ms; GET /api/board: ${apiMs.toFixed(0)} ms, ${(apiBytes / 1024).toFixed(0)} KiB`);
console.log("| measurement | p50 ms | p95 ms | max ms | goal ms | verdict |\n| --- | --- | --- | --- | --- | --- |");
console.log(row(`first paint of the board page (${paints.length} loads)`, paint, 1000));
console.log(row(`file saved -> card on the open page (${latencies.length} saves)`, update, 300));
