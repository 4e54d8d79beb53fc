/**
 * `bead lint --watch` as a real OS process (the built bin/bead.js: run `npm run build` first),
 * and the VS Code problem matcher `bead init` writes, applied to its real output.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LINT_TASK } from "../../src/board/vscode-tasks.js";
import { beadText } from "../helpers/beads.js";
import { BEAD_BIN, beadProcessesOfEachTest } from "../helpers/cli.js";
import { gitEnv } from "../helpers/temp-board.js";
import { cliBoard } from "./support.js";

const DEADLINE_MS = 20_000;
const BEGIN = "bead lint: checking";
const NO_PROBLEMS = "bead lint: no problems";
const GOOD = { "beads/ok.md": beadText(["title: Fine"]), "agents/reporter.md": "---\nname: reporter\nprovider: builtin\naction: report\n---\n" };

const children = beadProcessesOfEachTest();

interface Run {
  /** Lines between the begin and the end marker. */
  problems: string[];
  end: string;
}

interface Watch {
  child: ChildProcess;
  lines: string[];
  /** The next complete run (begin marker ... end marker) whose output satisfies `wanted`; earlier runs are skipped. */
  nextRun(wanted?: (run: Run) => boolean): Promise<Run>;
  /** The next stdout line satisfying `wanted`. */
  nextLine(wanted: (line: string) => boolean): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function watch(dir: string, extra: string[] = []): Watch {
  const child = spawn(process.execPath, [BEAD_BIN, "lint", "--watch", ...extra], { cwd: dir, env: gitEnv(), stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const lines: string[] = [];
  let stderr = "";
  let partial = "";
  let read = 0;
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    lines.push(...parts);
    for (const listener of [...listeners]) listener();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const waitUntil = <T>(take: () => T | undefined, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = take();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${what} within ${DEADLINE_MS} ms; stdout:\n${lines.join("\n")}\nstderr:\n${stderr}`));
      }, DEADLINE_MS);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  const takeRun = (): Run | undefined => {
    const begin = lines.indexOf(BEGIN, read);
    if (begin < 0) return undefined;
    const end = lines.findIndex((line, i) => i > begin && line.startsWith("bead lint: "));
    if (end < 0) return undefined;
    read = end + 1;
    return { problems: lines.slice(begin + 1, end), end: lines[end]! };
  };
  return {
    child,
    lines,
    exited,
    nextRun: (wanted = () => true) =>
      waitUntil(() => {
        for (let run = takeRun(); run; run = takeRun()) if (wanted(run)) return run;
        return undefined;
      }, "matching lint run"),
    nextLine: (wanted) =>
      waitUntil(() => {
        const at = lines.findIndex((line, i) => i >= read && wanted(line));
        if (at < 0) return undefined;
        read = at + 1;
        return lines[at];
      }, "matching line"),
  };
}

describe("bead lint --watch", () => {
  it("reports a bad bead on the run after it is saved, clears it once fixed, and exits 143 on SIGTERM", async () => {
    const board = await cliBoard(GOOD);
    const lint = watch(board.dir);
    expect(await lint.nextRun()).toEqual({ problems: [], end: NO_PROBLEMS });

    board.write("beads/bad.md", beadText(["title: Bad", "status: doing"]));
    const bad = await lint.nextRun((run) => run.problems.some((line) => line.startsWith("beads/bad.md:")));
    expect(bad).toEqual({ problems: ["beads/bad.md:3: status must be one of open, claimed, done, failed, blocked, cancelled"], end: "bead lint: 1 problem(s)" });

    board.write("beads/bad.md", beadText(["title: Bad no more"]));
    expect(await lint.nextRun((run) => run.problems.length === 0)).toEqual({ problems: [], end: NO_PROBLEMS });

    lint.child.kill("SIGTERM");
    expect(await lint.exited).toEqual({ code: 143, signal: null });
  });

  it("goes on after a run that cannot read the board at all, and exits 130 on SIGINT", async () => {
    const board = await cliBoard(GOOD);
    const lint = watch(board.dir);
    await lint.nextRun();
    rmSync(join(board.dir, "beads"), { recursive: true });
    board.write("beads", "a file where the beads/ directory should be\n");
    const failed = await lint.nextRun((run) => run.end.startsWith("bead lint: failed: "));
    expect(failed.end).toMatch(/^bead lint: failed: ENOTDIR/);
    expect(new RegExp(LINT_TASK.problemMatcher.background.endsPattern).test(failed.end)).toBe(true);

    rmSync(join(board.dir, "beads"));
    mkdirSync(join(board.dir, "beads"));
    board.write("beads/x.md", beadText(["title: t", "priority: 9"]));
    const recovered = await lint.nextRun((run) => run.problems.some((line) => line.startsWith("beads/x.md:")));
    expect(recovered.problems).toEqual(["beads/x.md:3: priority must be from 0 (urgent) to 4 (someday)"]);

    lint.child.kill("SIGINT");
    expect(await lint.exited).toEqual({ code: 130, signal: null });
  });

  it("with --json prints one JSON array per run, one line each", async () => {
    const board = await cliBoard(GOOD);
    const lint = watch(board.dir, ["--json"]);
    expect(JSON.parse(await lint.nextLine(() => true))).toEqual([]);
    board.write("agents/bot.md", "---\nname: other\nprovider: builtin\naction: report\n---\n");
    const line = await lint.nextLine((text) => text.includes("agents/bot.md"));
    expect(JSON.parse(line)).toEqual([{ path: "agents/bot.md", line: 2, reason: "name other does not match the file name bot.md", fix: expect.any(String) }]);
    expect(lint.lines.every((text) => text.startsWith("["))).toBe(true);
    lint.child.kill("SIGTERM");
    expect((await lint.exited).code).toBe(143);
  });

  it("refuses --watch with --staged, saying why, with the failure exit code", async () => {
    const board = await cliBoard(GOOD);
    const run = await board.bead(["lint", "--watch", "--staged"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^bead: --watch and --staged do not go together/);
  });
});

interface ProblemMatcher {
  owner: string;
  fileLocation: string[];
  pattern: { regexp: string; file: number; line: number; message: number };
  background: { beginsPattern: string; endsPattern: string };
}

interface Task {
  label: string;
  command: string;
  args: string[];
  isBackground: boolean;
  runOptions: { runOn: string };
  problemMatcher: ProblemMatcher;
}

describe("the VS Code task bead init writes", () => {
  it("matches the real output of bead lint --watch as VS Code would read it", async () => {
    const board = await cliBoard();
    expect((await board.bead(["init"])).code).toBe(0);
    const tasks = JSON.parse(board.read(".vscode/tasks.json")) as { tasks: Task[] };
    const task = tasks.tasks.find((t) => t.label === "bead: lint (watch)")!;
    expect(task).toMatchObject({ command: "npx", args: ["--no-install", "bead", "lint", "--watch"], isBackground: true, runOptions: { runOn: "folderOpen" } });
    const matcher = task.problemMatcher;
    expect(matcher).toMatchObject({ owner: "bead", fileLocation: ["relative", "${workspaceFolder}"] });

    board.write("beads/bad.md", beadText(["title: Bad", "", "status: doing"]));
    board.write("agents/broken.md", "---\nname: [broken\n---\n");
    const lint = watch(board.dir);
    const run = await lint.nextRun();
    lint.child.kill("SIGTERM");
    expect((await lint.exited).code).toBe(143);

    const output = [BEGIN, ...run.problems, run.end];
    const begins = new RegExp(matcher.background.beginsPattern);
    const ends = new RegExp(matcher.background.endsPattern);
    const problem = new RegExp(matcher.pattern.regexp);
    expect(output.filter((line) => begins.test(line))).toEqual([BEGIN]);
    expect(output.filter((line) => ends.test(line))).toEqual(["bead lint: 2 problem(s)"]);
    expect(ends.test(NO_PROBLEMS)).toBe(true);
    const found = output.flatMap((line) => {
      const m = problem.exec(line);
      return m ? [{ file: m[matcher.pattern.file], line: m[matcher.pattern.line], message: m[matcher.pattern.message] }] : [];
    });
    expect(found).toEqual([
      { file: "beads/bad.md", line: "4", message: "status must be one of open, claimed, done, failed, blocked, cancelled" },
      { file: "agents/broken.md", line: "2", message: expect.stringMatching(/^invalid YAML: /) },
    ]);
    // The marker lines, including a failed run's, are never problems.
    for (const marker of [BEGIN, NO_PROBLEMS, "bead lint: 2 problem(s)", "bead lint: failed: ENOENT: no such file, open 'beads/x.md:3: y'"]) expect(problem.test(marker)).toBe(false);
    expect(ends.test("bead lint: failed: ENOENT: no such file, open 'beads/x.md:3: y'")).toBe(true);
  });
});
