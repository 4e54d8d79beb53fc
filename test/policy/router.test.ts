import { describe, expect, it } from "vitest";
import type { Sensitivity } from "../../src/bead/fields.js";
import { inferTier, routeByRules, type AgentTakes, type RoutableBead } from "../../src/policy/router.js";

const agent = (name: string, takes: AgentTakes["takes"], locality: AgentTakes["locality"] = "local", clearance: Sensitivity = "secret"): AgentTakes => ({
  name,
  takes,
  locality,
  clearance,
});
const bead = (over: Partial<RoutableBead> = {}): RoutableBead => ({ title: "Do a thing", labels: [], type: "task", sensitivity: "internal", ...over });

describe("routeByRules", () => {
  it("title prefix beats label beats type", () => {
    const agents = [agent("typer", { types: ["research"] }), agent("labeler", { labels: ["docs"] }), agent("prefixer", { prefixes: ["Research:"] })];
    const b = bead({ title: "Research: Ollama 0.12 notes", labels: ["docs"], type: "research" });
    expect(routeByRules(b, agents)).toEqual({ agent: "prefixer", rule: 'title prefix "Research:"' });
    expect(routeByRules(b, agents.slice(0, 2))).toEqual({ agent: "labeler", rule: 'label "docs"' });
    expect(routeByRules(b, agents.slice(0, 1))).toEqual({ agent: "typer", rule: 'type "research"' });
  });

  it("matches prefixes and labels case-insensitively, ignoring leading spaces", () => {
    expect(routeByRules(bead({ title: "  research: x" }), [agent("r", { prefixes: ["Research:"] })])?.agent).toBe("r");
    expect(routeByRules(bead({ labels: ["Code"] }), [agent("c", { labels: ["code"] })])?.agent).toBe("c");
  });

  it("breaks ties local before remote, then by name", () => {
    const agents = [agent("zed", { labels: ["code"] }, "remote"), agent("bob", { labels: ["code"] }, "local"), agent("amy", { labels: ["code"] }, "remote")];
    expect(routeByRules(bead({ labels: ["code"] }), agents)?.agent).toBe("bob");
    expect(routeByRules(bead({ labels: ["code"] }), [agents[0]!, agents[2]!])?.agent).toBe("amy");
    expect(routeByRules(bead({ labels: ["code"] }), [agent("b", { labels: ["code"] }), agent("a", { labels: ["code"] })])?.agent).toBe("a");
  });

  it("a better rule on a remote agent still beats a weaker rule on a local one", () => {
    const agents = [agent("local-typer", { types: ["task"] }, "local"), agent("cloud-labeler", { labels: ["code"] }, "remote")];
    expect(routeByRules(bead({ labels: ["code"] }), agents)?.agent).toBe("cloud-labeler");
  });

  it("never matches an agent whose clearance is below the bead's sensitivity", () => {
    const agents = [agent("cloud", { prefixes: ["Fix:"] }, "remote", "internal"), agent("home", { types: ["task"] }, "local", "private")];
    expect(routeByRules(bead({ title: "Fix: login", sensitivity: "private" }), agents)).toEqual({ agent: "home", rule: 'type "task"' });
    expect(routeByRules(bead({ title: "Fix: login", sensitivity: "secret" }), agents)).toBeUndefined();
    expect(routeByRules(bead({ title: "Fix: login", sensitivity: "internal" }), agents)?.agent).toBe("cloud");
  });

  it("an agent with empty takes matches nothing; labels ['*'] is a catch-all of lowest rank", () => {
    expect(routeByRules(bead(), [agent("idle", {})])).toBeUndefined();
    expect(routeByRules(bead(), [agent("idle", { labels: [], types: [], prefixes: [] })])).toBeUndefined();
    const agents = [agent("any", { labels: ["*"] }), agent("bugs", { types: ["bug"] }, "remote")];
    expect(routeByRules(bead({ type: "bug" }), agents)).toEqual({ agent: "bugs", rule: 'type "bug"' });
    expect(routeByRules(bead({ type: "chore" }), agents)).toEqual({ agent: "any", rule: 'catch-all labels ["*"]' });
    // a bead literally labelled "*" is not how a catch-all is spelled
    expect(routeByRules(bead({ labels: ["*"] }), [agent("x", { types: ["bug"] })])).toBeUndefined();
  });

  it("returns undefined when no agent matches", () => {
    expect(routeByRules(bead({ labels: ["ops"] }), [agent("c", { labels: ["code"] })])).toBeUndefined();
    expect(routeByRules(bead(), [])).toBeUndefined();
  });
});

describe("inferTier", () => {
  const tb = (over: Partial<Parameters<typeof inferTier>[0]> = {}) => ({ title: "Add a --json flag to bead ls", body: "Print beads as JSON objects.", labels: [], type: "task", ...over });

  it("an explicit valid tier wins over every heuristic", () => {
    expect(inferTier(tb({ tier: "complex", title: "Fix typo" }))).toBe("complex");
    expect(inferTier(tb({ tier: "trivial", type: "epic" }))).toBe("trivial");
  });
  it("ignores an invalid explicit tier", () => {
    expect(inferTier(tb({ tier: "huge" }))).toBe("standard");
  });
  it("labels trivial / complex / hard", () => {
    expect(inferTier(tb({ labels: ["trivial"] }))).toBe("trivial");
    expect(inferTier(tb({ labels: ["Hard"] }))).toBe("complex");
  });
  it("epics and judgement-heavy titles are complex", () => {
    expect(inferTier(tb({ type: "epic" }))).toBe("complex");
    expect(inferTier(tb({ title: "Refactor the claim module" }))).toBe("complex");
    expect(inferTier(tb({ title: "Investigate the race in lease renewal" }))).toBe("complex");
  });
  it("long bodies and long step lists are complex", () => {
    expect(inferTier(tb({ body: "word ".repeat(301) }))).toBe("complex");
    expect(inferTier(tb({ body: Array.from({ length: 8 }, (_, i) => `- step ${i}`).join("\n") }))).toBe("complex");
  });
  it("mechanical chores are trivial", () => {
    expect(inferTier(tb({ title: "Fix typo in README" }))).toBe("trivial");
    expect(inferTier(tb({ title: "Bump yaml to 2.9" }))).toBe("trivial");
    expect(inferTier(tb({ type: "chore", title: "Tidy the example board" }))).toBe("trivial");
    expect(inferTier(tb({ type: "chore", title: "Tidy", body: "```sh\nnpm run x\n```" }))).toBe("standard");
  });
  it("research is never trivial; ordinary tasks are standard", () => {
    expect(inferTier(tb({ type: "research", title: "Rename candidates for the CLI" }))).toBe("standard");
    expect(inferTier(tb())).toBe("standard");
  });
});
