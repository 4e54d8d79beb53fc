/**
 * Rig for the acting-agent tests: a small repository with a failing `node --test`, an agent file
 * with tools for the Ollama protocol double, scripted tool calls, and snapshots of a person's
 * checkout (read back with the git CLI, independently of the product's own git code).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Reply } from "../helpers/ollama-double.js";
import { beadText } from "../helpers/beads.js";
import type { TempBoard } from "../helpers/temp-board.js";

export const BUGGY = "export function sum(a, b) {\n  return a - b;\n}\n";
export const FIXED = "export function sum(a, b) {\n  return a + b;\n}\n";
export const SUM_TEST = 'import { test } from "node:test";\nimport assert from "node:assert/strict";\nimport { sum } from "./sum.mjs";\n\ntest("sum adds", () => {\n  assert.equal(sum(2, 3), 5);\n});\n';

/** The code files of the small project (a failing test until sum.mjs is fixed). */
export const PROJECT: Record<string, string> = { "sum.mjs": BUGGY, "sum.test.mjs": SUM_TEST };

/** agents/<name>.md: an acting Ollama agent on `host` with `tools`; `lines` are extra front-matter lines. */
export function actingAgent(name: string, host: string, tools: string[], lines: string[] = []): string {
  return [
    "---",
    `name: ${name}`,
    "provider: ollama",
    "model: qwen3:8b",
    `host: ${host}`,
    "takes: { labels: [code] }",
    `tools: [${tools.join(", ")}]`,
    "allow: [[node, --test]]",
    ...lines,
    "---",
    `You are ${name}. Fix the code.`,
    "",
  ].join("\n");
}

export function fixBead(id = "bb-fix"): Record<string, string> {
  return { [`beads/${id}.md`]: beadText(["title: Make the sum test pass", "labels: [code]"], "node --test fails; fix sum.\n") };
}

export const call = (name: string, args: Record<string, unknown> | string): Reply => ({ content: "", toolCalls: [{ name, arguments: args }] });

/** list, read, run (fails), edit, run (passes), finish. */
export function fixScript(result = "Fixed sum: it subtracted."): Reply[] {
  return [
    call("list_files", {}),
    call("read_file", { path: "sum.mjs" }),
    call("run", { command: ["node", "--test"] }),
    call("edit_file", { path: "sum.mjs", old_text: "a - b", new_text: "a + b" }),
    call("run", { command: ["node", "--test"] }),
    call("finish", { result, outcome: "done" }),
  ];
}

/** Everything of a person's checkout the agent must not change: HEAD, index, working files, stash. */
export function checkoutSnapshot(board: TempBoard, files: string[]): string {
  const index = createHash("sha256").update(readFileSync(join(board.dir, ".git", "index"))).digest("hex");
  const contents = files.map((file) => `${file}=${createHash("sha256").update(readFileSync(join(board.dir, file))).digest("hex")}`);
  return [board.git(["rev-parse", "HEAD"]), board.git(["symbolic-ref", "HEAD"]), board.git(["status", "--porcelain", "-uall"]), board.git(["stash", "list"]), index, ...contents].join("\n");
}

/** The person's own work in progress: an unsaved edit, an untracked file and a stash entry. */
export function personAtWork(board: TempBoard): void {
  board.write("notes.txt", "stashed idea\n");
  board.git(["add", "notes.txt"]);
  board.git(["stash", "push", "-q", "-m", "person's stash"]);
  board.write("sum.test.mjs", `${SUM_TEST}// the person's unsaved comment\n`);
  board.write("scratch.txt", "untracked\n");
}

/** The worktrees git knows for a repository (the main one included). */
export function worktrees(board: TempBoard): string[] {
  return board.git(["worktree", "list", "--porcelain"]).split("\n").filter((line) => line.startsWith("worktree ")).map((line) => line.slice(9));
}
