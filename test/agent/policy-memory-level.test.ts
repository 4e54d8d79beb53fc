import { describe, expect, it } from "vitest";
import type { Sensitivity } from "../../src/bead/fields.js";
import type { ContextPart } from "../../src/agent/context.js";
import { keepPrivateNotesLocal, memoryLevel, withMemoryLevels } from "../../src/agent/memory-level.js";
import { pathProblem, writeRequestOf } from "../../src/agent/builtin/write.js";
import { runRequestOf } from "../../src/agent/builtin/run.js";
import { makeBead } from "../helpers/beads.js";

const levels: Record<string, Sensitivity> = { "bb-pub": "public", "bb-priv": "private", "bb-sec": "secret" };
const levelOf = (id: string): Sensitivity | undefined => levels[id];

describe("memory levels", () => {
  it("memory is internal unless a note comes from a private bead or a person marks it", () => {
    expect(memoryLevel("- plain fact (bb-pub)\n- another (unknown-id)\n", levelOf)).toEqual({ level: "internal" });
    expect(memoryLevel("- the salary band (bb-priv)\n", levelOf)).toEqual({ level: "private", why: "a note from private bead bb-priv" });
    expect(memoryLevel("- a (bb-priv)\n- b (bb-sec)\n", levelOf).level).toBe("secret");
    expect(memoryLevel("- launch date <!-- sensitivity: private -->\n", levelOf).level).toBe("private");
    expect(memoryLevel("<!-- Sensitivity: SECRET -->\n", levelOf).level).toBe("secret");
    expect(memoryLevel("<!-- sensitivity: privat -->\n", levelOf).level).toBe("private"); // a typo still protects
    expect(memoryLevel("a note (bb-priv) in the middle of a line\n", levelOf).level).toBe("internal");
  });

  it("only memory parts are re-declared", () => {
    const parts: ContextPart[] = [
      { label: "bead bb-1", kind: "bead", text: "- x (bb-priv)", declared: "internal" },
      { label: "memory/MEMORY.md", kind: "memory", text: "- x (bb-priv)", declared: "internal" },
    ];
    expect(withMemoryLevels(parts, levelOf).map((part) => part.declared)).toEqual(["internal", "private"]);
  });

  it("notes learned on a private bead are not shared", () => {
    const reply = { memory: [{ note: "a", shared: true }] };
    expect(keepPrivateNotesLocal(reply, "private").memory).toEqual([{ note: "a", shared: false }]);
    expect(keepPrivateNotesLocal(reply, "internal")).toBe(reply);
  });
});

describe("builtin request parsing", () => {
  const bead = (fields: Record<string, unknown>, body = "") => ({ ...makeBead("bb-1", fields), body });

  it("write: path and content from front-matter or the first fenced block", () => {
    expect(writeRequestOf(bead({ write: { path: "a.md", content: "x" } }))).toEqual({ path: "a.md", content: "x" });
    expect(writeRequestOf(bead({ write: "a.md" }, "text\n~~~\nfenced\n~~~\n"))).toEqual({ path: "a.md", content: "fenced\n" });
    expect(writeRequestOf(bead({ write: 42 }))).toHaveProperty("error");
  });

  it("write paths stay inside the board and away from what steers it", () => {
    expect(pathProblem("docs/a.md", undefined)).toBeUndefined();
    expect(pathProblem("docs/./a.md", undefined)).toMatch(/segments/);
    expect(pathProblem("docs\\..\\a", undefined)).toMatch(/backslash/);
    expect(pathProblem("sub/.git/config", undefined)).toMatch(/git's/);
    expect(pathProblem("AGENTS.md", undefined)).toMatch(/steers/);
    expect(pathProblem("Agents/x.md", undefined)).toMatch(/steers/);
    expect(pathProblem("notes/a.md", ["docs/"])).toMatch(/only under docs\//);
    expect(pathProblem("docs/a.md", ["docs"])).toBeUndefined();
    expect(pathProblem("docsx/a.md", ["docs"])).toMatch(/only under/);
  });

  it("run: an argv list only", () => {
    expect(runRequestOf(bead({ run: ["npm", "test"] }))).toEqual(["npm", "test"]);
    expect(runRequestOf(bead({ run: ["node", 18] }))).toEqual(["node", "18"]);
    expect(runRequestOf(bead({ run: "npm test" }))).toHaveProperty("error");
    expect(runRequestOf(bead({ run: [] }))).toHaveProperty("error");
    expect(runRequestOf(bead({ run: [{ a: 1 }] }))).toHaveProperty("error");
  });
});
