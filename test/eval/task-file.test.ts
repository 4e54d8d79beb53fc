/** Task files (docs/EVAL.md): what parses, and what a person is told when one does not. Pure: inline strings. */
import { describe, expect, it } from "vitest";
import { keyLine, parseTaskFile } from "../../src/eval/task-file.js";
import { loadBuiltinTasks } from "../../src/eval/load-tasks.js";
import { selectTasks } from "../../src/eval/load-tasks.js";
import { CATEGORIES } from "../../src/eval/task.js";
import { ParseError } from "../../src/errors.js";

const file = (front: string, body = "Do the thing.") => `---\n${front}\n---\n${body}\n`;
const parse = (text: string) => parseTaskFile(text, "evals/x.md", "evals/x.md");
function problem(text: string): ParseError {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  throw new Error("parsed");
}

describe("task files", () => {
  it("parses a minimal task with defaults: id from the file name, every tool but new_bead, 20 steps, 5 minutes", () => {
    const task = parse(file("category: blocked\ntitle: T\nexpect:\n  outcome: blocked"));
    expect(task).toMatchObject({ id: "x", category: "blocked", maxSteps: 20, timeoutMs: 300_000, allow: [], files: {}, prompt: "Do the thing." });
    expect(task.tools).toEqual(["read_file", "list_files", "search", "edit_file", "write_file", "run", "finish"]);
  });

  it("always offers finish, whatever tools: lists", () => {
    expect(parse(file("category: blocked\ntitle: T\ntools: [read_file]\nexpect:\n  outcome: blocked")).tools).toEqual(["read_file", "finish"]);
  });

  it.each([
    ["an unknown check", "category: blocked\ntitle: T\nexpect:\n  outcome: blocked\n  result_contain: x", 6, "unknown key result_contain under expect", "checks: outcome, result_contains"],
    ["an unknown category", "category: tools\ntitle: T\nexpect:\n  outcome: done", 2, "category must be one of", "use one of tool-choice"],
    ["no checks", "category: blocked\ntitle: T\nexpect: {}", 4, "expect: has no checks, so the task could never fail", "add checks under expect:"],
    ["a setup path out of the repository", "category: blocked\ntitle: T\nfiles:\n  ../x: hi\nexpect:\n  outcome: done", 5, 'files: "../x" is not a path relative to the repository root', "list setup files"],
    ["a setup file in .git", "category: blocked\ntitle: T\nfiles:\n  .git/config: hi\nexpect:\n  outcome: done", 5, "a path relative to the repository root", ""],
    ["a check command nobody may run", "category: tests\ntitle: T\nexpect:\n  passes: [npm, test]", 5, "expect.passes runs npm test, which allow: does not list", 'add ["npm","test"]'],
    ["a bad timeout", "category: tests\ntitle: T\ntimeout: soon\nexpect:\n  outcome: done", 4, 'timeout "soon" is not a duration', "write e.g. 2m"],
    ["a file check with nothing to check", "category: tests\ntitle: T\nexpect:\n  files:\n    a.js: {}", 6, "expect.files.a.js has no checks", "add contains:"],
    ["an unknown tool", "category: tests\ntitle: T\ntools: [shell]\nexpect:\n  outcome: done", 4, "tool names are read_file", ""],
    ["an unknown top-level key", "category: tests\ntitle: T\nprompt: hi\nexpect:\n  outcome: done", 4, "unknown key prompt", "task keys are id, category"],
  ])("refuses %s, naming the line and the fix", (_what, front, line, reason, fix) => {
    const error = problem(file(front));
    expect(error.file).toBe("evals/x.md");
    expect(error.line).toBe(line);
    expect(error.message).toContain(reason);
    expect(error.message).toContain(fix);
  });

  it("refuses an empty prompt at the body's line, and a file without front-matter", () => {
    expect(problem(file("category: blocked\ntitle: T\nexpect:\n  outcome: blocked", "")).message).toMatch(/^evals\/x\.md:7: the prompt .* is empty/);
    expect(problem("just text").message).toContain("evals/x.md:1: no front-matter");
  });

  it("finds nested keys at their own line, not a same-named key elsewhere", () => {
    const yaml = "files:\n  outcome.md: |\n    outcome: x\nexpect:\n  files:\n    a.js:\n      contains: x\n  outcome: done\n";
    expect(keyLine(yaml, ["expect", "outcome"], 2)).toBe(9);
    expect(keyLine(yaml, ["expect", "files", "a.js"], 2)).toBe(7);
    expect(keyLine(yaml, ["expect", "missing"], 2)).toBe(5);
  });

  it("ships at least 20 built-in tasks, at least 2 in every category, with unique ids", () => {
    const tasks = loadBuiltinTasks();
    expect(tasks.length).toBeGreaterThanOrEqual(20);
    for (const category of CATEGORIES) expect(tasks.filter((t) => t.category === category).length).toBeGreaterThanOrEqual(2);
    expect(new Set(tasks.map((t) => t.id)).size).toBe(tasks.length);
  });

  it("refuses a board task that reuses a built-in id, and an --only that names nothing", () => {
    const builtin = loadBuiltinTasks();
    const mine = parseTaskFile(file("id: find-port\ncategory: blocked\ntitle: T\nexpect:\n  outcome: blocked"), "evals/port.md", "evals/port.md");
    expect(() => selectTasks(builtin, [mine], { builtin: true, only: [] })).toThrow("evals/port.md:1: task id find-port is also used by builtin:find-port.md");
    expect(() => selectTasks(builtin, [], { builtin: true, only: ["nope"] })).toThrow("--only nope: no such task or category");
    expect(selectTasks(builtin, [], { builtin: true, only: ["blocked"] }).map((t) => t.category)).toEqual(["blocked", "blocked", "blocked"]);
  });
});
