// Routing accuracy: the router (src/agent/route.ts) over a labelled fixture set of beads
// (bench/fixtures/routing.json), with the fixture's agents. Measures the rules (builtin actions,
// then takes: prefixes, labels, types) and tier inference; with BENCH_ROUTER_MODEL set (e.g.
// qwen3:1.7b, server from OLLAMA_HOST) also the router model on every bead, and the combination
// the product uses (rules first, the model for what no rule matches).
//
// import { runRoutingBench } from "./routing.js" → { accuracy, total, misses, ... }; writes
// bench/out/routing.json (unless called with { write: false }). Standalone: node bench/routing.js (after npm run build).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function fullBead(index, entry) {
  const fields = { title: entry.title, status: "open", priority: 2, type: entry.type, labels: entry.labels, deps: [], sensitivity: "internal", attempts: 0, ...(entry.fields ?? {}) };
  return { id: `bench-${index}`, path: `beads/bench-${index}.md`, fields, body: entry.body ?? "", createdMs: 0 };
}

const rate = (hits, total) => (total === 0 ? null : Math.round((hits / total) * 10_000) / 10_000);

/** The built product by default; the tests pass a loader of the sources (`src`, "agent/route") so they never test a stale build. */
const loadBuilt = (module) => import(`../dist/${module}.js`);

export async function runRoutingBench(options = {}) {
  const load = options.load ?? loadBuilt;
  const fixture = JSON.parse(readFileSync(new URL("./fixtures/routing.json", import.meta.url), "utf8"));
  const { parseAgent } = await load("agent/parse");
  const { buildRegistry } = await load("agent/registry");
  const { routeByBoardRules, routeCandidates } = await load("agent/route");
  const { inferTier } = await load("policy/router");
  const agents = Object.entries(fixture.agents).map(([name, text]) => parseAgent(text, `agents/${name}.md`));
  const registry = buildRegistry(agents, process.env);
  const started = performance.now();
  const rows = fixture.beads.map((entry, index) => {
    const bead = fullBead(index, entry);
    const candidates = routeCandidates(bead, registry, [], false);
    const decision = routeByBoardRules(bead, candidates);
    const tier = decision?.tier ?? inferTier({ title: bead.fields.title, body: bead.body, labels: bead.fields.labels, type: bead.fields.type, tier: bead.fields.tier });
    return { bead, candidates, entry, got: decision?.agent ?? null, rule: decision?.rule ?? null, tier };
  });
  const ruleMs = performance.now() - started;
  const misses = rows
    .filter((row) => row.got !== row.entry.expect.agent)
    .map((row) => ({ title: row.entry.title, expected: row.entry.expect.agent, got: row.got, rule: row.rule }));
  const tierMisses = rows.filter((row) => row.tier !== row.entry.expect.tier).map((row) => ({ title: row.entry.title, expected: row.entry.expect.tier, got: row.tier }));
  const total = rows.length;
  const result = {
    total,
    accuracy: rate(total - misses.length, total),
    misses,
    tierAccuracy: rate(total - tierMisses.length, total),
    tierMisses,
    unrouted: rows.filter((row) => row.got === null).length,
    msPerBead: Math.round((ruleMs / Math.max(total, 1)) * 1000) / 1000,
    model: await modelBench(rows, registry, options.model ?? process.env.BENCH_ROUTER_MODEL),
  };
  if (options.write !== false) {
    mkdirSync(new URL("./out/", import.meta.url), { recursive: true });
    writeFileSync(new URL("./out/routing.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  }
  return result;
}

/** The router model on every bead (and rules-then-model), when a model is named; null otherwise. */
async function modelBench(rows, registry, model) {
  if (!model) return null;
  const { createOllamaProvider } = await import("../dist/model/ollama.js");
  const { askRouterModel } = await import("../dist/agent/route-model.js");
  const { parseAgent } = await import("../dist/agent/parse.js");
  const definition = parseAgent(`---\nname: bench-router\nprovider: ollama\nmodel: ${model}\nrole: router\ntimeout: 2m\n---\nYou assign work items to the agent best suited to do them.\n`, "agents/bench-router.md");
  const router = { agent: definition, provider: createOllamaProvider({ env: process.env }), locality: "local", takes: { name: "bench-router", takes: {}, locality: "local", clearance: "private" } };
  const metrics = { record: () => undefined };
  let hits = 0;
  let combinedHits = 0;
  let tierHits = 0;
  const latencies = [];
  const misses = [];
  for (const row of rows) {
    const choices = row.candidates.filter((entry) => entry.agent.fields.provider !== "builtin" || entry.agent.fields.action === "report");
    const t0 = performance.now();
    let reply;
    try {
      reply = await askRouterModel(router, row.bead, choices, { remoteMax: "secret", localOnly: false }, metrics);
    } catch (error) {
      return { model, error: error instanceof Error ? error.message : String(error) };
    }
    latencies.push(performance.now() - t0);
    const got = reply.ok ? reply.agent : null;
    if (got === row.entry.expect.agent) hits++;
    else misses.push({ title: row.entry.title, expected: row.entry.expect.agent, got, reason: reply.ok ? undefined : reply.reason });
    if (reply.ok && reply.tier === row.entry.expect.tier) tierHits++;
    if ((row.got ?? got) === row.entry.expect.agent) combinedHits++;
  }
  latencies.sort((a, b) => a - b);
  const p = (q) => Math.round(latencies[Math.max(0, Math.ceil(q * latencies.length) - 1)] ?? 0);
  return { model, accuracy: rate(hits, rows.length), combinedAccuracy: rate(combinedHits, rows.length), tierAccuracy: rate(tierHits, rows.length), latencyMs: { p50: p(0.5), p95: p(0.95) }, misses };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runRoutingBench();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`routing accuracy ${result.accuracy} over ${result.total} beads (tier ${result.tierAccuracy}); bench/out/routing.json written (${ROOT})\n`);
}
