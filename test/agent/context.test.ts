import { describe, expect, it } from "vitest";
import type { BeadWithBody, Sensitivity } from "../../src/bead/fields.js";
import { buildContext, type ContextSources } from "../../src/agent/context.js";
import { estimateTokens } from "../../src/model/tokens.js";
import { makeBead } from "../helpers/beads.js";

function bead(id: string, body: string, sensitivity: Sensitivity = "internal", deps: string[] = []): BeadWithBody {
  return { ...makeBead(id, { title: `Title of ${id}`, sensitivity, deps }), body };
}

function sources(extra: Partial<ContextSources> = {}): ContextSources {
  return {
    agentName: "scout",
    systemPrompt: "You are Scout.",
    bead: bead("bb-main", "Do the thing."),
    deps: [],
    sharedMemory: "",
    agentMemory: "",
    budgetTokens: 8192,
    ...extra,
  };
}

const userOf = (built: ReturnType<typeof buildContext>): string => built.messages.find((m) => m.role === "user")?.content ?? "";
const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

/** A memory file with `days` dated sections, oldest first, each about `lines` notes long. */
function memoryFile(title: string, days: number, lines = 20): string {
  let text = `# ${title}\n\nPreamble kept always.\n\n`;
  for (let day = 1; day <= days; day++) {
    const date = `2026-01-${String(day).padStart(2, "0")}`;
    text += `## ${date}\n`;
    for (let n = 0; n < lines; n++) text += `- note ${n} of day ${date}: something learned while working on the board (bb-${day})\n`;
    text += "\n";
  }
  return text;
}

describe("buildContext", () => {
  it("puts the agent body in the system message and the bead in the user message", () => {
    const built = buildContext(sources());
    expect(built.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(built.messages[0]?.content.startsWith("You are Scout.")).toBe(true);
    expect(built.messages[0]?.content).toContain('"outcome"');
    expect(userOf(built)).toContain("# Bead bb-main: Title of bb-main");
    expect(userOf(built)).toContain("Do the thing.");
    expect(built.notes).toEqual([]);
  });

  it("expands {{dep.result}} placeholders with the dep's result, once", () => {
    const built = buildContext(
      sources({
        bead: bead("bb-main", "Before.\n{{bb-dep1.result}}\nAfter {{ bb-dep1.result }}.", "internal", ["bb-dep1"]),
        deps: [{ id: "bb-dep1", title: "dep one", result: "DEP-ONE-RESULT", sensitivity: "public" }],
      }),
    );
    const user = userOf(built);
    expect(user).not.toContain("{{");
    expect(user).toContain("Before.\nDEP-ONE-RESULT\nAfter DEP-ONE-RESULT.");
    // Two placeholders, two copies: the result is not repeated a third time as a separate section.
    expect(count(user, "DEP-ONE-RESULT")).toBe(2);
    expect(user).not.toContain("## Result of bb-dep1");
    // The gate still sees the dep result as its own input.
    expect(built.parts.find((p) => p.label === "dep bb-dep1 result")).toMatchObject({ kind: "dep", declared: "public", text: "DEP-ONE-RESULT" });
  });

  it("leaves unknown placeholders alone and says when a dep has no result", () => {
    const built = buildContext(
      sources({
        bead: bead("bb-main", "{{bb-none.result}} / {{bb-other.result}}", "internal", ["bb-none"]),
        deps: [{ id: "bb-none", title: "no result yet", result: undefined, sensitivity: "internal" }],
      }),
    );
    expect(userOf(built)).toContain("(no result recorded for bb-none) / {{bb-other.result}}");
  });

  it("includes results of deps that the body does not reference, under their own heading", () => {
    const built = buildContext(
      sources({
        bead: bead("bb-main", "Use what the deps found.", "internal", ["bb-a", "bb-b"]),
        deps: [
          { id: "bb-a", title: "first", result: "Alpha result.", sensitivity: "internal" },
          { id: "bb-b", title: "second", result: "Beta result.", sensitivity: "private" },
        ],
      }),
    );
    const user = userOf(built);
    expect(user).toContain("## Result of bb-a (first)\n\nAlpha result.");
    expect(user).toContain("## Result of bb-b (second)\n\nBeta result.");
    expect(user.indexOf("Use what the deps found.")).toBeLessThan(user.indexOf("Alpha result."));
  });

  it("includes the agent's and the shared memory, labelled", () => {
    const built = buildContext(
      sources({ agentMemory: "# Memory of scout\n\n## 2026-01-01\n- AGENT-NOTE (bb-1)\n", sharedMemory: "# Shared memory\n\n## 2026-01-01\n- SHARED-NOTE (bb-1)\n" }),
    );
    const user = userOf(built);
    expect(user).toContain("## What you remember (memory/scout.md)");
    expect(user).toContain("AGENT-NOTE");
    expect(user).toContain("## What you remember (memory/MEMORY.md)");
    expect(user).toContain("SHARED-NOTE");
  });

  it("labels every part for the sensitivity gate", () => {
    const built = buildContext(
      sources({
        bead: bead("bb-main", "text", "private", ["bb-a"]),
        deps: [{ id: "bb-a", title: "a", result: "r", sensitivity: "secret" }],
        agentMemory: "- remembered\n",
        sharedMemory: "- shared\n",
      }),
    );
    expect(built.parts.map((p) => [p.label, p.kind, p.declared])).toEqual([
      ["agents/scout.md", "system", "internal"],
      ["bead bb-main", "bead", "private"],
      ["dep bb-a result", "dep", "secret"],
      ["memory/scout.md", "memory", "internal"],
      ["memory/MEMORY.md", "memory", "internal"],
    ]);
    // Everything the gate sees is what is sent, and the other way round.
    const sent = built.messages.map((m) => m.content).join("\n");
    for (const part of built.parts) expect(sent).toContain(part.text);
  });

  it("stays within the token budget, cutting the oldest memory sections first and saying so", () => {
    const agentMemory = memoryFile("Memory of scout", 10);
    const sharedMemory = memoryFile("Shared memory", 10);
    const budgetTokens = 2500;
    expect(estimateTokens(agentMemory) + estimateTokens(sharedMemory)).toBeGreaterThan(budgetTokens);
    const built = buildContext(sources({ agentMemory, sharedMemory, budgetTokens }));
    const sent = built.messages.map((m) => m.content).join("\n");
    expect(built.tokens).toBeLessThanOrEqual(budgetTokens);
    expect(estimateTokens(sent)).toBeLessThanOrEqual(budgetTokens);
    // The newest day of each file survives; the oldest is gone.
    expect(sent).toContain("note 0 of day 2026-01-10");
    expect(sent).not.toContain("day 2026-01-01");
    expect(sent).toContain("Preamble kept always.");
    const agentNote = built.notes.find((note) => note.startsWith("memory/scout.md: cut"));
    expect(agentNote).toMatch(/cut \d+ oldest section\(s\) \(2026-01-01, /);
    expect(built.notes.some((note) => note.startsWith("memory/MEMORY.md: cut"))).toBe(true);
  });

  it("never goes over the budget, whatever the budget", () => {
    const agentMemory = memoryFile("Memory of scout", 6, 10);
    const sharedMemory = memoryFile("Shared memory", 6, 10);
    for (let budgetTokens = 300; budgetTokens <= 4000; budgetTokens += 137) {
      const built = buildContext(sources({ agentMemory, sharedMemory, budgetTokens }));
      const sent = built.messages.map((m) => m.content);
      expect(sent.reduce((sum, text) => sum + estimateTokens(text), 0), `budget ${budgetTokens}`).toBeLessThanOrEqual(budgetTokens);
    }
  });

  it("gives the whole memory budget to one file when the other is empty", () => {
    const agentMemory = memoryFile("Memory of scout", 4);
    const tokens = estimateTokens(agentMemory);
    const built = buildContext(sources({ agentMemory, budgetTokens: tokens + 400 }));
    expect(built.notes).toEqual([]);
    expect(userOf(built)).toContain("day 2026-01-01");
    expect(built.tokens).toBeLessThanOrEqual(tokens + 400);
  });

  it("leaves memory out, with a note, when the bead alone fills the budget", () => {
    const built = buildContext(sources({ bead: bead("bb-main", "x".repeat(4000)), agentMemory: "- MEM\n", budgetTokens: 200 }));
    expect(userOf(built)).not.toContain("MEM");
    expect(built.notes).toEqual(["memory left out: the bead alone fills the token budget"]);
  });
});
