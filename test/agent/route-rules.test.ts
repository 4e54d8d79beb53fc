/**
 * One test per routing rule (issue 14, item 16): each rule of agent/route.ts and
 * agent/escalate.ts, decided on plain values, plus the two that only show on a real board: a
 * `tier: complex` bead is not assigned locally in the pass that asks a person about it, and a
 * model's own `outcome: failed` asks for escalation like a final failure does.
 */
import { afterEach, describe, expect, it } from "vitest";
import { awaitsPerson, chooseRemote, needsHandOver } from "../../src/agent/escalate.js";
import { parseAgent } from "../../src/agent/parse.js";
import { buildRegistry } from "../../src/agent/registry.js";
import { routeByBoardRules, routeCandidates } from "../../src/agent/route.js";
import type { BeadFields } from "../../src/bead/fields.js";
import { makeBead } from "../helpers/beads.js";
import { agentFile, beadFile, builtinFile, chatRequests, makeRig, replyJson, type Rig } from "./policy-support.js";

const LOCAL = "http://127.0.0.1:1";
const REMOTE = "https://api.example.com";
const agents = [
  parseAgent(builtinFile("runner", "run", ["allow: [[ls]]"]), "agents/runner.md"),
  parseAgent(builtinFile("scribe", "write", ["paths: [docs/]"]), "agents/scribe.md"),
  parseAgent(agentFile({ name: "planner", host: LOCAL, extra: ["role: planner"] }), "agents/planner.md"),
  parseAgent(agentFile({ name: "switchboard", host: LOCAL, takes: "{ labels: [code, docs, research] }", extra: ["role: router"] }), "agents/switchboard.md"),
  parseAgent(agentFile({ name: "scout", host: LOCAL, takes: '{ prefixes: ["Research:"], labels: [research] }' }), "agents/scout.md"),
  parseAgent(agentFile({ name: "coder", host: LOCAL, takes: "{ labels: [code], types: [bug] }", extra: ["clearance: internal"] }), "agents/coder.md"),
  parseAgent(agentFile({ name: "cloud", host: REMOTE, takes: "{ labels: [code] }", extra: ["clearance: secret"] }), "agents/cloud.md"),
];
const registry = buildRegistry(agents, {});
const policy = { remoteMax: "internal" as const, localOnly: false };

function route(fields: Partial<BeadFields>, options: { approve?: string[]; localOnly?: boolean } = {}) {
  const bead = makeBead("bb-1", fields);
  return routeByBoardRules(bead, routeCandidates(bead, registry, options.approve ?? [], options.localOnly ?? false));
}

describe("routing rules, one by one", () => {
  it("a run: bead goes to a builtin runner, tier trivial, whatever its labels", () => {
    expect(route({ labels: ["code"], run: ["ls"] })).toEqual({ agent: "runner", rule: "run: builtin", tier: "trivial" });
  });

  it("a write: bead goes to a builtin writer, tier trivial", () => {
    expect(route({ labels: ["code"], write: { path: "docs/x.md", content: "x" } as unknown as BeadFields["write"] })).toEqual({ agent: "scribe", rule: "write: builtin", tier: "trivial" });
  });

  it("an epic goes to a planner, whatever its labels say", () => {
    expect(route({ type: "epic", labels: ["code"] })).toEqual({ agent: "planner", rule: "epic: planner" });
  });

  it("the takes rules: title prefix beats label beats type", () => {
    expect(route({ title: "Research: caches", labels: ["code"] })).toEqual({ agent: "scout", rule: 'title prefix "Research:"' });
    expect(route({ labels: ["code"] })).toEqual({ agent: "coder", rule: 'label "code"' });
    expect(route({ type: "bug" })).toEqual({ agent: "coder", rule: 'type "bug"' });
  });

  it("nobody's takes: no decision (the router model, when named, is asked next)", () => {
    expect(route({ labels: ["gardening"] })).toBeUndefined();
  });

  it("a router-role agent is never a candidate for work", () => {
    expect(routeCandidates(makeBead("bb-1", { labels: ["docs"] }), registry, [], false).map((entry) => entry.agent.name)).not.toContain("switchboard");
    expect(route({ labels: ["docs"] })).toBeUndefined();
  });

  it("clearance is a hard limit", () => {
    expect(route({ labels: ["code"], sensitivity: "private" })).toBeUndefined();
  });

  it("a remote agent only with approval: a person's approved, or the board policy's category", () => {
    expect(route({ labels: ["code"], sensitivity: "private", escalation: "approved" })).toEqual({ agent: "cloud", rule: 'label "code"' });
    expect(route({ labels: ["code"], sensitivity: "private" }, { approve: ["code"] })).toEqual({ agent: "cloud", rule: 'label "code"' });
  });

  it("never a remote agent on a local-only board, approved or not", () => {
    expect(route({ labels: ["code"], sensitivity: "private", escalation: "approved" }, { localOnly: true })).toBeUndefined();
    expect(chooseRemote(makeBead("bb-1", { labels: ["code"] }).fields, registry, true)).toBeUndefined();
  });

  it("a bead waiting for a person (requested, or complex and not yet asked) is not routed to a local agent", () => {
    expect(awaitsPerson(makeBead("bb-1", { tier: "complex" }).fields, registry, policy)).toBe(true);
    expect(awaitsPerson(makeBead("bb-1", { escalation: "requested" }).fields, registry, policy)).toBe(true);
    expect(awaitsPerson(makeBead("bb-1", { tier: "complex", escalation: "denied" }).fields, registry, policy)).toBe(false);
    // Nobody remote could take it (above remote_max, or a local-only board): complex goes to local agents.
    expect(awaitsPerson(makeBead("bb-1", { tier: "complex", sensitivity: "private" }).fields, registry, policy)).toBe(false);
    expect(awaitsPerson(makeBead("bb-1", { tier: "complex" }).fields, registry, { ...policy, localOnly: true })).toBe(false);
    // And while requested, local agents are not candidates at all.
    expect(route({ labels: ["code"], escalation: "requested" })).toBeUndefined();
  });

  it("approved hands over to a remote agent; denied gives the bead back to local agents", () => {
    expect(needsHandOver(makeBead("bb-1", { escalation: "approved", agent: "coder" }).fields, registry, [])).toBe(true);
    expect(needsHandOver(makeBead("bb-1", { escalation: "approved", agent: "cloud" }).fields, registry, [])).toBe(false);
    expect(needsHandOver(makeBead("bb-1", { escalation: "denied" }).fields, registry, [])).toBe(false);
    expect(route({ labels: ["code"], escalation: "denied" })).toEqual({ agent: "coder", rule: 'label "code"' });
  });
});

describe("routing rules on a real board", () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });
  const cloud = (remote: string) => agentFile({ name: "cloud", host: remote, locality: "remote", takes: "{ labels: [hard] }" });
  const homebody = (local: string) => agentFile({ name: "homebody", host: local, takes: "{ labels: [hard] }" });

  it("a complex bead is asked about and left unassigned in the same pass; nobody works it", async () => {
    rig = await makeRig(({ local, remote }) => ({
      "agents/cloud.md": cloud(remote),
      "agents/homebody.md": homebody(local),
      "beads/bb-c1.md": beadFile(["title: Design the sync protocol", "labels: [hard]", "tier: complex"]),
    }));
    await rig.run();
    const text = rig.board.read("beads/bb-c1.md");
    expect(text).toMatch(/^escalation: requested$/m);
    expect(text).not.toMatch(/^agent:/m);
    expect(rig.subjects().filter((subject) => subject.startsWith("route bb-c1"))).toEqual([]);
    expect(chatRequests(rig.local)).toEqual([]);
  });

  it("a local model's own outcome: failed asks for escalation, as a final failure does", async () => {
    rig = await makeRig(
      ({ local, remote }) => ({
        "agents/cloud.md": cloud(remote),
        "agents/homebody.md": homebody(local),
        "beads/bb-f.md": beadFile(["title: Prove the theorem", "labels: [hard]"]),
      }),
      { local: [replyJson("I cannot do this", "failed")] },
    );
    await rig.run();
    const text = rig.board.read("beads/bb-f.md");
    expect(text).toMatch(/^status: failed$/m);
    expect(text).toMatch(/^escalation: requested$/m);
    expect(rig.subjects()).toContain("escalate bb-f: requested (failed on homebody)");
    expect(rig.remote.requests).toEqual([]);
  });
});
