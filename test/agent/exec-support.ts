/**
 * Rig for `provider: exec` through the worker: a board with an exec agent whose "outside
 * harness" is a real node child (this file writes it) that edits a file in {workspace}, fails,
 * hangs or prints its environment, as told by its first argument. What it saw goes to a folder
 * inside .git (so never part of the worktree or the checkout).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beadText } from "../helpers/beads.js";
import { makeTempBoard, type TempBoard } from "../helpers/temp-board.js";

export type HarnessMode = "edit" | "fail" | "hang" | "env" | "noop" | "flood" | "commit" | "commit-fail";

/** The harness script; write it outside any worktree and name it in execAgentFile's folder. */
export const HARNESS = `
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
const [mode, promptFile, workspace, seen] = process.argv.slice(2);
writeFileSync(join(seen, "prompt.md"), readFileSync(promptFile, "utf8"));
writeFileSync(join(seen, "argv.json"), JSON.stringify({ cwd: process.cwd(), workspace, promptFile }));
if (mode === "edit") {
  writeFileSync(join(workspace, "src", "app.txt"), "fixed\\n");
  console.log("Changed src/app.txt to say fixed.");
} else if (mode === "fail") {
  writeFileSync("src/app.txt", "half done\\n");
  console.error("running tests\\nboom: 2 tests failed");
  process.exit(3);
} else if (mode === "hang") {
  writeFileSync("src/app.txt", "never committed\\n");
  writeFileSync(join(seen, "started"), String(process.pid));
  setInterval(() => undefined, 1000);
} else if (mode === "env") {
  console.log(JSON.stringify(Object.keys(process.env).filter((name) => /KEY|TOKEN|SECRET|^BEAD_/.test(name)).sort()));
} else if (mode === "commit" || mode === "commit-fail") {
  // As Aider does by default: the harness commits its own change.
  writeFileSync("src/app.txt", "fixed by a committing harness\\n");
  const git = (...args) => execFileSync("git", args, { env: { ...process.env, GIT_AUTHOR_NAME: "aider", GIT_AUTHOR_EMAIL: "aider@example.test", GIT_COMMITTER_NAME: "aider", GIT_COMMITTER_EMAIL: "aider@example.test" } });
  git("add", "src/app.txt");
  git("commit", "-q", "-m", "fix app");
  console.log("committed the fix");
  if (mode === "commit-fail") process.exit(1);
} else if (mode === "flood") {
  process.stdout.write("x".repeat(200 * 1024));
} else {
  console.log("nothing to change");
}
`;

export function execAgentFile(mode: HarnessMode, seen: string, lines: string[] = []): string {
  const harness = join(seen, "..", "harness.mjs");
  const command = JSON.stringify([process.execPath, harness, mode, "{prompt_file}", "{workspace}", seen]);
  return `---\nname: outside\nprovider: exec\nlocality: local\ncommand: ${command}\ntakes: { labels: [code] }\nmax_attempts: 1\n${lines.map((line) => `${line}\n`).join("")}---\nYou fix code. AGENT-PROMPT-MARKER.\n`;
}

export interface ExecBoard {
  board: TempBoard;
  /** Where the harness writes what it saw. */
  seen: string;
}

export async function execBoard(mode: HarnessMode, agentLines: string[] = [], extraFiles: Record<string, string> = {}): Promise<ExecBoard> {
  const board = await makeTempBoard({
    "beads/bb-1.md": beadText(["title: Fix the app", "labels: [code]"], "Make src/app.txt say fixed.\n"),
    "src/app.txt": "broken\n",
    ...extraFiles,
  });
  const seen = join(board.dir, ".git", "exec-test", "seen");
  mkdirSync(seen, { recursive: true });
  writeFileSync(join(seen, "..", "harness.mjs"), HARNESS);
  board.write("agents/outside.md", execAgentFile(mode, seen, agentLines));
  board.git(["add", "-A"]);
  board.git(["commit", "-q", "-m", "exec agent"]);
  return { board, seen };
}
