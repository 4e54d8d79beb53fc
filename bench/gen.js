// Generate a realistic board of N beads in a temp dir, committed in one commit by the git CLI
// (DESIGN §11's setup: one folder, one commit). Deterministic for a given seed.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Small deterministic PRNG (mulberry32) so every run benchmarks the same boards. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded Fisher–Yates shuffle: the same order for the same seed, run after run. */
export function shuffled(list, seed) {
  const rand = rng(seed);
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const WORDS = (
  "agent board bead cache claim commit config deploy docs error fetch flaky index lease " +
  "login memory merge metrics model ollama parser pipeline prompt queue release remote " +
  "report router schema search server session shard stream summary sync test timeout token " +
  "upgrade watcher worker yaml latency budget review refactor migrate retry"
).split(" ");
const VERBS = ["Fix", "Add", "Summarize", "Investigate", "Refactor", "Document", "Benchmark", "Remove", "Port", "Review", "Migrate", "Speed up"];
const LABELS = ["code", "ops", "research", "docs", "infra", "ui", "perf", "security", "data"];
const TYPES = ["task", "task", "task", "bug", "bug", "research", "chore", "epic"];
const AGENTS = ["codemonkey", "romanov", "reporter", "scribe"];
const SENS = ["public", "internal", "internal", "private"];

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

function sentence(rand, min = 8, max = 20) {
  const n = min + Math.floor(rand() * (max - min));
  const words = [];
  for (let i = 0; i < n; i++) words.push(pick(rand, WORDS));
  const s = words.join(" ");
  return `${s[0].toUpperCase()}${s.slice(1)}.`;
}

function paragraph(rand) {
  const n = 2 + Math.floor(rand() * 4);
  const out = [];
  for (let i = 0; i < n; i++) out.push(sentence(rand));
  return out.join(" ");
}

function base36(rand, length) {
  let s = "";
  for (let i = 0; i < length; i++) s += "0123456789abcdefghijklmnopqrstuvwxyz"[Math.floor(rand() * 36)];
  return s;
}

/**
 * The text of one bead. Mix of statuses (mostly open), priorities, types, flow and block
 * label lists, deps on ~20% (always on earlier beads, so no cycles), an agent on some,
 * claim fields on claimed ones, a `## Result` section on done ones; a body of a few paragraphs.
 */
function beadText(rand, index, ids, createdMs) {
  const r = rand();
  const status = r < 0.6 ? "open" : r < 0.8 ? "done" : r < 0.88 ? "claimed" : r < 0.93 ? "blocked" : r < 0.97 ? "failed" : "cancelled";
  const lines = ["---"];
  lines.push(`title: ${pick(rand, VERBS)} the ${pick(rand, WORDS)} ${pick(rand, WORDS)} ${rand() < 0.3 ? `(${pick(rand, WORDS)})` : ""}`.trimEnd());
  lines.push(`status: ${status}`);
  lines.push(`priority: ${Math.floor(rand() * 5)}`);
  lines.push(`type: ${pick(rand, TYPES)}`);
  const nLabels = Math.floor(rand() * 3);
  if (nLabels > 0) {
    const labels = [...new Set(Array.from({ length: nLabels }, () => pick(rand, LABELS)))];
    if (rand() < 0.7) lines.push(`labels: [${labels.join(", ")}]`);
    else lines.push("labels:", ...labels.map((l) => `  - ${l}`));
  }
  if (rand() < 0.3) lines.push(`agent: ${pick(rand, AGENTS)}`);
  if (index > 10 && rand() < 0.2) {
    const n = 1 + Math.floor(rand() * 2);
    const deps = [...new Set(Array.from({ length: n }, () => ids[Math.floor(rand() * index)]))];
    lines.push(`deps: [${deps.join(", ")}]`);
  }
  if (rand() < 0.4) lines.push(`sensitivity: ${pick(rand, SENS)}`);
  const created = new Date(createdMs).toISOString();
  lines.push(`created: ${created}`);
  if (status === "claimed") {
    lines.push(`claimed_by: ${pick(rand, AGENTS)}@bench`);
    lines.push(`claimed_at: ${created}`);
    lines.push(`lease_until: ${new Date(createdMs + 15 * 60_000).toISOString()}`);
  }
  if (rand() < 0.1) lines.push("# a comment a person left in the front-matter");
  lines.push("---");
  const body = [];
  const paragraphs = 2 + Math.floor(rand() * 3);
  for (let i = 0; i < paragraphs; i++) body.push(paragraph(rand));
  if (rand() < 0.3) body.push(["- " + sentence(rand, 4, 8), "- " + sentence(rand, 4, 8), "- " + sentence(rand, 4, 8)].join("\n"));
  if (status === "done") body.push(`## Result\n${paragraph(rand)}`);
  return `${lines.join("\n")}\n${body.join("\n\n")}\n`;
}

export function git(dir, args, options = {}) {
  return execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });
}

/**
 * A board of `count` beads in a fresh temp dir, committed in one commit with the git CLI.
 * Returns { dir, ids, claimable, priority }: claimable beads are open, with no deps and no assigned agent.
 */
export function generateBoard(count, seed = 42) {
  const rand = rng(seed + count);
  const dir = mkdtempSync(join(tmpdir(), `beadboard-bench-${count}-`));
  git(dir, ["init", "-q", "-b", "main"]);
  git(dir, ["config", "user.name", "Bench"]);
  git(dir, ["config", "user.email", "bench@beadboard.local"]);
  git(dir, ["config", "commit.gpgsign", "false"]);
  // No background auto-gc (the first commit adds N loose objects): the caller packs explicitly.
  git(dir, ["config", "gc.auto", "0"]);
  mkdirSync(join(dir, "beads"));
  mkdirSync(join(dir, "agents"));
  mkdirSync(join(dir, "memory"));
  writeFileSync(join(dir, ".beadboard.yml"), "# beadboard settings (all optional)\nprefix: bb\npolicy:\n  remote_max: internal\n  local_only: false\n");
  writeFileSync(join(dir, "memory", "MEMORY.md"), "# Memory\n\nShared, curated notes.\n");
  writeFileSync(join(dir, "agents", "reporter.md"), "---\nname: reporter\nprovider: builtin\nmodel: echo\n---\nYou write reports.\n");
  writeFileSync(join(dir, "AGENTS.md"), "# Agents\n\nUse `bead ready --json` and `bead claim <id> --as <name>`.\n");
  const idLength = count > 1000 ? 5 : 4;
  const ids = [];
  const seen = new Set();
  while (ids.length < count) {
    const id = `bb-${base36(rand, idLength)}`;
    if (!seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  }
  const start = Date.parse("2025-01-01T00:00:00Z");
  const claimable = [];
  const priority = new Map();
  for (let i = 0; i < count; i++) {
    const text = beadText(rand, i, ids, start + i * 60_000);
    priority.set(ids[i], Number(/^priority: (\d)$/m.exec(text)[1]));
    if (/^status: open$/m.test(text) && !/^(deps|agent):/m.test(text)) claimable.push(ids[i]);
    writeFileSync(join(dir, "beads", `${ids[i]}.md`), text);
  }
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "-m", `bench board: ${count} beads`]);
  return { dir, ids, claimable, priority };
}
