import { describe, expect, it } from "vitest";
import { agentLocality, beadsFor, takesOf } from "../../src/agent/select.js";
import { parseAgent } from "../../src/agent/parse.js";
import type { AgentTakes } from "../../src/policy/router.js";
import { byIdMap, makeBead } from "../helpers/beads.js";

const NOW = Date.parse("2026-03-01T12:00:00Z");

const coder: AgentTakes = { name: "coder", takes: { labels: ["code"], types: ["task", "bug"] }, locality: "local", clearance: "private" };
const scout: AgentTakes = { name: "scout", takes: { labels: ["research"], types: ["research"], prefixes: ["Research:"] }, locality: "local", clearance: "internal" };
const everyone = [coder, scout];

const board = [
  makeBead("b-code", { labels: ["code"] }, 1),
  makeBead("b-bug", { type: "bug" }, 2),
  makeBead("b-research", { type: "research" }, 3),
  makeBead("b-prefix", { title: "Research: what is keep_alive?", type: "task" }, 4),
  makeBead("b-label-beats-type", { labels: ["research"], type: "task" }, 5),
  makeBead("b-nobody", { type: "chore" }, 6),
  makeBead("b-assigned-scout", { labels: ["code"], agent: "scout" }, 7),
  makeBead("b-assigned-ghost", { labels: ["code"], agent: "ghost" }, 8),
  makeBead("b-private-research", { type: "research", sensitivity: "private" }, 9),
  makeBead("b-secret-code", { labels: ["code"], sensitivity: "secret" }, 10),
  makeBead("b-done", { labels: ["code"], status: "done" }, 11),
  makeBead("b-waiting", { labels: ["code"], deps: ["b-code"] }, 12),
  makeBead("b-lapsed", { labels: ["code"], status: "claimed", claimed_by: "x@h", lease_until: "2026-03-01T11:00:00Z" }, 13),
  makeBead("b-held", { labels: ["code"], status: "claimed", claimed_by: "x@h", lease_until: "2026-03-01T13:00:00Z" }, 14),
  makeBead("b-urgent", { labels: ["code"], priority: 0 }, 15),
];
const byId = byIdMap(board);
const ids = (agent: AgentTakes) => beadsFor(agent, everyone, board, byId, NOW).map((bead) => bead.id);

describe("beadsFor", () => {
  it("splits a board between two agents by their takes, with no bead for both", () => {
    const forCoder = ids(coder);
    const forScout = ids(scout);
    expect(forCoder).toEqual(["b-urgent", "b-code", "b-bug", "b-lapsed"]);
    expect(forScout).toEqual(["b-research", "b-prefix", "b-label-beats-type", "b-assigned-scout"]);
    expect(forCoder.filter((id) => forScout.includes(id))).toEqual([]);
  });

  it("gives a bead that matches nobody to nobody", () => {
    expect([...ids(coder), ...ids(scout)]).not.toContain("b-nobody");
  });

  it("gives an assigned bead only to its agent, whatever its labels", () => {
    expect(ids(scout)).toContain("b-assigned-scout");
    expect(ids(coder)).not.toContain("b-assigned-scout");
    expect([...ids(coder), ...ids(scout)]).not.toContain("b-assigned-ghost");
  });

  it("respects clearance: no bead above it, even one that matches", () => {
    expect(ids(scout)).not.toContain("b-private-research");
    expect(ids(coder)).not.toContain("b-secret-code");
    const cleared: AgentTakes = { ...scout, clearance: "private" };
    expect(beadsFor(cleared, [coder, cleared], board, byId, NOW).map((bead) => bead.id)).toContain("b-private-research");
    // Assigned above clearance: still refused.
    const secretForScout = makeBead("b-secret-assigned", { agent: "scout", sensitivity: "secret" });
    expect(beadsFor(scout, everyone, [secretForScout], byIdMap([secretForScout]), NOW)).toEqual([]);
  });

  it("skips beads that are done, waiting on deps or held, and takes lapsed leases", () => {
    expect(ids(coder)).not.toContain("b-done");
    expect(ids(coder)).not.toContain("b-waiting");
    expect(ids(coder)).not.toContain("b-held");
    expect(ids(coder)).toContain("b-lapsed");
  });
});

describe("agent takes and locality", () => {
  const agent = (lines: string[]) => parseAgent(`---\n${lines.join("\n")}\n---\nprompt\n`, `agents/${lines[0]?.slice(6) ?? "x"}.md`);

  it("reads takes and clearance from the agent file", () => {
    const a = agent(["name: a", "model: m", "takes: { labels: code, types: [bug] }", "clearance: public"]);
    expect(takesOf(a, "local")).toEqual({ name: "a", takes: { labels: ["code"], types: ["bug"] }, locality: "local", clearance: "public" });
  });

  it("is local for loopback hosts and builtin agents, remote for others, unless the file says", () => {
    expect(agentLocality(agent(["name: a", "model: m"]), "http://127.0.0.1:11434")).toBe("local");
    expect(agentLocality(agent(["name: a", "model: m"]), "https://api.example.com/v1")).toBe("remote");
    expect(agentLocality(agent(["name: a", "model: m", "locality: local"]), "https://gpu.example.com")).toBe("local");
    expect(agentLocality(agent(["name: a", "provider: builtin", "action: report"]), undefined)).toBe("local");
  });
});
