/** Derived privacy and memory per note (issue 14, items 2 and 3). Pure parts, real gate. */
import { describe, expect, it } from "vitest";
import { buildContext } from "../../src/agent/context.js";
import { carryLevel, carryNoteLevel, markedLevel, memoryCeiling } from "../../src/agent/derived-level.js";
import { notesVisibleAt } from "../../src/agent/memory-notes-visible.js";
import { withMemoryLevels } from "../../src/agent/memory-level.js";
import { boardReport } from "../../src/agent/builtin/report.js";
import type { BeadWithBody, Sensitivity } from "../../src/bead/fields.js";
import { decide, defaultGatePolicy } from "../../src/policy/gate.js";
import { makeBead } from "../helpers/beads.js";

const levels: Record<string, Sensitivity> = { "bb-pub": "public", "bb-priv": "private", "bb-sec": "secret" };
const levelOf = (id: string): Sensitivity | undefined => levels[id];
const remote = { name: "cloud", locality: "remote" as const };

function bead(id: string, body: string, sensitivity: Sensitivity, deps: string[] = []): BeadWithBody {
  return { ...makeBead(id, { title: `T ${id}`, sensitivity, deps }), body };
}

function gateFor(main: BeadWithBody, deps: Array<{ id: string; result: string; sensitivity: Sensitivity }>, memory = "") {
  const built = buildContext({
    agentName: "coder",
    systemPrompt: "Do it.",
    bead: main,
    deps: deps.map((dep) => ({ ...dep, title: dep.id })),
    sharedMemory: memory,
    agentMemory: "",
    budgetTokens: 4000,
  });
  return { built, decision: decide({ beadId: main.id, inputs: withMemoryLevels(built.parts, levelOf), provider: remote }, defaultGatePolicy) };
}

describe("derived privacy", () => {
  it("a public bead that pulls a private dep's result through {{dep.result}} is refused for a remote model", () => {
    const { decision } = gateFor(bead("bb-a", "Summarise {{bb-priv.result}}", "public", ["bb-priv"]), [{ id: "bb-priv", result: "salary table", sensitivity: "private" }]);
    expect(decision.allowed).toBe(false);
    expect(decision.sensitivity).toBe("private");
    expect(decision.reason).toContain("dep bb-priv result");
  });

  it("a result derived from private input carries the level, and the next bead built on it is private too", () => {
    // A local agent worked public bb-mid from a private dep: its result is marked on write-back.
    const result = carryLevel("the summary", "private", "public");
    expect(result).toMatch(/^<!-- sensitivity: private -->\n/);
    expect(carryLevel("plain", "internal", "internal")).toBe("plain");
    expect(carryLevel(result, "private", "public")).toBe(result); // marked once
    const { decision } = gateFor(bead("bb-next", "Use {{bb-mid.result}}", "public", ["bb-mid"]), [{ id: "bb-mid", result, sensitivity: "public" }]);
    expect(decision.allowed).toBe(false);
    expect(decision.sensitivity).toBe("private");
    // The same result kept in a bead's own body (a reopened bead) raises that bead too.
    expect(gateFor(bead("bb-mid", `## Result\n\n${result}`, "public"), []).decision.allowed).toBe(false);
  });

  it("markers only raise a level: a model writing 'public' lowers nothing, an unknown word counts as private", () => {
    expect(markedLevel("<!-- sensitivity: public -->", "private")).toBe("private");
    expect(markedLevel("<!-- sensitivity: topsecret -->", "public")).toBe("private");
    expect(carryNoteLevel("a fact", "secret", "internal")).toBe("a fact <!-- sensitivity: secret -->");
    expect(carryNoteLevel("a fact", "internal", "internal")).toBe("a fact");
  });

  it("a builtin report on a public bead lists private beads by id only", () => {
    const beads = [makeBead("bb-r", { title: "Report", sensitivity: "public" }), makeBead("bb-x", { title: "Layoff plan", sensitivity: "private" }), makeBead("bb-y", { title: "Fix docs", sensitivity: "public" })];
    const report = boardReport(beads, new Map(beads.map((b) => [b.id, b])), new Date(0), "bb-r", "public");
    expect(report).not.toContain("Layoff plan");
    expect(report).toContain("bb-x: (title withheld: private)");
    expect(report).toContain("Fix docs");
    expect(boardReport(beads, new Map(beads.map((b) => [b.id, b])), new Date(0), "bb-r", "private")).toContain("Layoff plan");
  });
});

describe("memory per note", () => {
  const memory = [
    "# Shared memory",
    "",
    "## 2026-01-01",
    "- the build needs node 20 (bb-pub)",
    "- the salary band is 90k (bb-priv)",
    "  continued detail of the salary note",
    "- launch date is May 3 <!-- sensitivity: private -->",
    "* tests run with vitest",
    "",
  ].join("\n");

  it("a remote agent gets the notes it may see; the private ones (and their continuation lines) are left out", () => {
    const visible = notesVisibleAt(memory, memoryCeiling("remote", defaultGatePolicy), levelOf);
    expect(visible.withheld).toBe(2);
    expect(visible.text).toContain("node 20");
    expect(visible.text).toContain("vitest");
    expect(visible.text).not.toMatch(/salary|continued detail|launch date/);
    const { decision } = gateFor(bead("bb-a", "work", "internal"), [], visible.text);
    expect(decision.allowed).toBe(true);
    // Without per-note filtering the whole memory would block the bead.
    expect(gateFor(bead("bb-a", "work", "internal"), [], memory).decision.allowed).toBe(false);
  });

  it("a local agent keeps every note; a file-wide marker stays for the gate to judge", () => {
    expect(notesVisibleAt(memory, memoryCeiling("local", defaultGatePolicy), levelOf)).toEqual({ text: memory, withheld: 0 });
    const fileWide = "<!-- sensitivity: private -->\n- a fact\n";
    expect(notesVisibleAt(fileWide, "internal", levelOf).text).toContain("sensitivity: private");
    expect(memoryCeiling("remote", { remoteMax: "secret", localOnly: false })).toBe("internal");
    expect(memoryCeiling("remote", { remoteMax: "public", localOnly: false })).toBe("public");
  });
});
