import { readFileSync } from "node:fs";
import { beadText } from "../helpers/beads.js";
import { makeTempBoard, type TempBoard } from "../helpers/temp-board.js";

/** A board that looks lived-in, for the docs' screenshots: statuses, a claim, an escalation, metrics. Test-only. */
export async function makeDemoBoard(now: number): Promise<TempBoard> {
  const lease = new Date(now + 9 * 60_000 + 42_000).toISOString();
  const bead = (lines: string[], body = "") => beadText(lines, body);
  const files: Record<string, string> = {
    "beads/bb-1a2b.md": bead(["title: Login form forgets the user after a refresh", "status: open", "priority: 0", "type: bug", "labels: [code, auth]", "agent: codemonkey"],
      "Steps:\n\n1. Log in\n2. Refresh the page\n\nThe session cookie is set with `SameSite=None` but **no** `Secure` flag.\n\n## Notes\n\n- see [the RFC](https://httpwg.org/specs/rfc6265.html)\n"),
    "beads/bb-3c4d.md": bead(["title: Write the upgrade notes for 0.2", "status: open", "priority: 2", "type: chore", "labels: [docs]", "deps: [bb-9k8j]"], ""),
    "beads/bb-5e6f.md": bead(["title: 'Research: which small model follows tool schemas best'", "status: claimed", "priority: 1", "type: research", "labels: [research]", "claimed_by: scout@laptop", `lease_until: '${lease}'`], ""),
    "beads/bb-7g8h.md": bead(["title: Weekly status report", "status: done", "priority: 3", "labels: [report]", "model: builtin:report"], "## Result\n\n12 beads done this week, 2 failed.\n"),
    "beads/bb-9k8j.md": bead(["title: Cut release 0.2", "status: open", "priority: 1", "labels: [ops]"], ""),
    "beads/bb-2m3n.md": bead(["title: Summarise the customer interviews", "status: open", "priority: 2", "labels: [research]", "sensitivity: private", "escalation: requested"], "Needs a larger model than the local ones.\n"),
    "beads/bb-4p5q.md": bead(["title: Flaky test in sync retry", "status: failed", "priority: 2", "type: bug", "labels: [code]", "attempts: 3"], ""),
    "beads/bb-6r7s.md": bead(["title: Add a dark theme", "status: cancelled", "priority: 4", "labels: [ui]"], ""),
    "beads/bb-8t9u.md": bead(["title: Rotate the webhook secret", "status: blocked", "priority: 1", "labels: [ops]"], "Waiting on the hosting account's owner.\n"),
    "beads/bb-0v1w.md": bead(["title: Board loads slowly on 10k beads", "status: done", "priority: 1", "type: bug", "labels: [code, perf]", "model: qwen3:8b"], ""),
    "beads/bb-2x3y.md": bead(["title: Document bead serve", "status: open", "priority: 2", "labels: [docs, web]", "deps: [bb-1a2b]"], ""),
  };
  for (const name of ["codemonkey", "scout", "reporter"]) files[`agents/${name}.md`] = readFileSync(`agents/${name}.md`, "utf8");
  files["src/board/load.ts"] = "export function loadBoard(paths) {\n  const names = listBeadFiles(paths.beadsDir);\n  const cache = readCache(paths.stateDir);\n  return names.map((name) => parse(name));\n}\n";
  const board = await makeTempBoard(files);
  // The work branch an acting agent left for the done bug.
  board.git(["checkout", "-q", "-b", "bead/bb-0v1w"]);
  board.write("src/board/load.ts", "export function loadBoard(paths) {\n  const names = listBeadFiles(paths.beadsDir);\n  const cache = readCache(paths.stateDir);\n  // Parse only the files whose stamp changed since the cache was written.\n  return names.map((name) => cache.get(name) ?? parse(name));\n}\n");
  board.git(["commit", "-qam", "bb-0v1w: reuse cached entries"]);
  board.git(["checkout", "-q", "main"]);
  const at = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
  const metrics = [
    { ts: at(300), event: "model_call", agent: "codemonkey", locality: "local", tokens_in: 2100, tokens_out: 640, latency_ms: 8200 },
    { ts: at(290), event: "done", agent: "codemonkey", model: "qwen3:8b", duration_ms: 61000 },
    { ts: at(200), event: "model_call", agent: "scout", locality: "local", tokens_in: 1200, tokens_out: 400, latency_ms: 3100 },
    { ts: at(190), event: "done", agent: "scout", model: "qwen3:1.7b", duration_ms: 22000 },
    { ts: at(180), event: "done", agent: "reporter", model: "builtin:report", duration_ms: 300 },
    { ts: at(150), event: "model_call", agent: "codemonkey", locality: "local", tokens_in: 3300, tokens_out: 900, latency_ms: 11200 },
    { ts: at(140), event: "done", agent: "codemonkey", model: "qwen3:8b", duration_ms: 73000 },
    { ts: at(120), event: "gate", agent: "cloud", decision: "block", bytes: 0 },
    { ts: at(110), event: "escalation", agent: "scout", state: "requested" },
    { ts: at(90), event: "guardrail", agent: "scout", bead: "bb-5e6f", reason: "prompt exceeds num_ctx" },
    { ts: at(60), event: "failed", agent: "codemonkey", bead: "bb-4p5q", reason: "tests still fail after 3 attempts" },
    { ts: at(1), event: "heartbeat", agent: "scout" },
  ];
  board.write(".git/beadboard/metrics.jsonl", metrics.map((line) => JSON.stringify(line)).join("\n") + "\n");
  return board;
}
