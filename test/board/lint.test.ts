import { describe, expect, it } from "vitest";
import type { Bead } from "../../src/bead/fields.js";
import { boardProblems, formatProblem } from "../../src/board/lint.js";
import { makeBead } from "../helpers/beads.js";

/** Pretend every `deps:` line is line 5, so the tests can see that lint asks for it. */
const lineOf = (_bead: Bead, key: string) => (key === "deps" ? 5 : 1);

describe("board-wide lint", () => {
  it("finds nothing wrong with a sound board", () => {
    expect(boardProblems([makeBead("a"), makeBead("b", { deps: ["a"] })], lineOf)).toEqual([]);
  });

  it("reports a dep on a bead that does not exist, at the deps line", () => {
    expect(boardProblems([makeBead("a", { deps: ["ghost"] })], lineOf)).toEqual([
      { path: "beads/a.md", line: 5, reason: "unknown dep ghost: no bead beads/ghost.md", fix: "fix the id or remove it from deps" },
    ]);
  });

  it("reports every member of a cycle, naming the whole loop", () => {
    const problems = boardProblems([makeBead("a", { deps: ["b"] }), makeBead("b", { deps: ["a"] }), makeBead("c", { deps: ["c"] })], lineOf);
    expect(problems.map((p) => [p.path, p.line, p.reason])).toEqual([
      ["beads/a.md", 5, "dependency cycle: a -> b -> a"],
      ["beads/b.md", 5, "dependency cycle: a -> b -> a"],
      ["beads/c.md", 5, "dependency cycle: c -> c"],
    ]);
  });

  it("reports ids that differ only in case", () => {
    const problems = boardProblems([makeBead("Fix-Login"), makeBead("fix-login")], lineOf);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: "beads/fix-login.md", line: 1 });
    expect(problems[0]!.reason).toMatch(/duplicate id: fix-login and Fix-Login differ only in case/);
  });

  it("formats problems as path:line: reason (fix)", () => {
    expect(formatProblem({ path: "beads/a.md", line: 3, reason: "status must be one of open", fix: "pick one" })).toBe("beads/a.md:3: status must be one of open (pick one)");
    expect(formatProblem({ path: "beads/a.md", line: 1, reason: "no front-matter" })).toBe("beads/a.md:1: no front-matter");
  });
});
