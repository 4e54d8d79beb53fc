/**
 * The router: unassigned beads get an agent by a commit before work starts, by rules first and
 * then by the router model named in .beadboard.yml (structured reply, validated, gated).
 */
import { afterEach, describe, expect, it } from "vitest";
import { routeByBoardRules, routeCandidates } from "../../src/agent/route.js";
import { buildRegistry } from "../../src/agent/registry.js";
import { parseAgent } from "../../src/agent/parse.js";
import { makeBead } from "../helpers/beads.js";
import type { RecordedRequest, Reply } from "../helpers/ollama-double.js";
import { agentFile, beadFile, builtinFile, chatRequests, makeRig, replyJson, systemOf, type Rig } from "./policy-support.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const scout = (host: string) => agentFile({ name: "scout", host, takes: "{ labels: [research], types: [research], prefixes: [\"Research:\"] }" });
const coder = (host: string) => agentFile({ name: "coder", host, takes: "{ labels: [code], types: [bug] }" });
const switchboard = (host: string, locality?: "remote") =>
  agentFile({ name: "switchboard", host, ...(locality ? { locality } : {}), extra: ["role: router"], prompt: "You are the switchboard." });

/** The router's calls get `route`, every other call `work`. */
const byRole = (route: () => Reply, work: Reply = replyJson("worked")) => (request: RecordedRequest): Reply =>
  systemOf(request).includes("You are the switchboard.") ? route() : work;

describe("routing by rules", () => {
  it("assigns unassigned beads by a commit naming the rule, before any work; assigned beads are left alone", async () => {
    rig = await makeRig(({ local }) => ({
      "agents/scout.md": scout(local),
      "agents/coder.md": coder(local),
      "beads/bb-r1.md": beadFile(["title: \"Research: what is new in Ollama\""]),
      "beads/bb-c1.md": beadFile(["title: Fix the parser", "labels: [code]"]),
      "beads/bb-b1.md": beadFile(["title: Crash on start", "type: bug"]),
      "beads/bb-a1.md": beadFile(["title: Research this too", "labels: [research]", "agent: coder"]),
    }));
    await rig.run();
    const subjects = rig.subjects();
    expect(subjects).toEqual(
      expect.arrayContaining([
        'route bb-r1 -> scout (title prefix "Research:")',
        'route bb-c1 -> coder (label "code")',
        'route bb-b1 -> coder (type "bug")',
      ]),
    );
    expect(subjects.filter((s) => s.startsWith("route bb-a1"))).toEqual([]);
    // Each route commit comes before the bead's claim.
    for (const id of ["bb-r1", "bb-c1", "bb-b1"]) expect(subjects.findIndex((s) => s.startsWith(`route ${id} `))).toBeLessThan(subjects.indexOf(`claim ${id} by ${id === "bb-r1" ? "scout" : "coder"}`));
    expect(rig.board.read("beads/bb-r1.md")).toMatch(/^agent: scout$/m);
    expect(rig.board.read("beads/bb-a1.md")).toMatch(/^status: done$/m);
    const routes = rig.metrics().filter((m) => m.event === "route");
    expect(routes.map((m) => m.bead).sort()).toEqual(["bb-b1", "bb-c1", "bb-r1"]);
    expect(routes.every((m) => m.agent === "rules")).toBe(true);
  });

  it("routing is pure given the agents: builtin actions first, clearance is a hard limit, remote only when approved", () => {
    const agents = [
      parseAgent(builtinFile("runner", "run", ["allow: [[ls]]"]), "agents/runner.md"),
      parseAgent(agentFile({ name: "coder", host: "http://127.0.0.1:1", takes: "{ labels: [code] }", extra: ["clearance: internal"] }), "agents/coder.md"),
      parseAgent(agentFile({ name: "cloud", host: "https://api.example.com", takes: "{ labels: [code] }", extra: ["clearance: secret"] }), "agents/cloud.md"),
    ];
    const registry = buildRegistry(agents, {});
    expect(registry.get("cloud")?.locality).toBe("remote");
    const decide = (fields: Parameters<typeof makeBead>[1], approve: string[] = []) => {
      const bead = makeBead("bb-1", fields);
      return routeByBoardRules(bead, routeCandidates(bead, registry, approve, false));
    };
    expect(decide({ labels: ["code"], run: ["ls"] })).toEqual({ agent: "runner", rule: "run: builtin", tier: "trivial" });
    expect(decide({ labels: ["code"] })).toEqual({ agent: "coder", rule: 'label "code"' });
    expect(decide({ labels: ["code"], sensitivity: "private" })).toBeUndefined(); // coder's clearance is internal; cloud is not approved
    expect(decide({ labels: ["code"], sensitivity: "private", escalation: "approved" })).toEqual({ agent: "cloud", rule: 'label "code"' });
    expect(decide({ labels: ["code"], sensitivity: "private" }, ["code"])).toEqual({ agent: "cloud", rule: 'label "code"' });
  });
});

describe("routing by the router model", () => {
  const files = (host: string, extra: Record<string, string> = {}) => ({
    ".beadboard.yml": "router: switchboard\n",
    "agents/scout.md": scout(host),
    "agents/coder.md": coder(host),
    "agents/switchboard.md": switchboard(host),
    "beads/bb-odd.md": beadFile(["title: Tidy the onboarding checklist"], "Nothing any rule matches.\n"),
    ...extra,
  });

  it("asks the router when no rule matches, validates its structured reply and commits the assignment with tier and priority", async () => {
    rig = await makeRig(({ local }) => files(local, { "beads/bb-kept.md": beadFile(["title: Another odd one", "priority: 4"]) }), {
      local: byRole(() => ({ content: JSON.stringify({ agent: "Coder", priority: 1, tier: "standard" }) })),
    });
    await rig.run();
    expect(rig.subjects()).toEqual(expect.arrayContaining(["route bb-odd -> coder (router switchboard)", "route bb-kept -> coder (router switchboard)"]));
    const odd = rig.board.read("beads/bb-odd.md");
    expect(odd).toMatch(/^agent: coder$/m);
    expect(odd).toMatch(/^tier: standard$/m);
    expect(odd).toMatch(/^priority: 1$/m);
    expect(odd).toMatch(/^status: done$/m);
    expect(rig.board.read("beads/bb-kept.md")).toMatch(/^priority: 4$/m); // a person's priority wins
    const routerCalls = chatRequests(rig.local).filter((r) => systemOf(r).includes("You are the switchboard."));
    expect(routerCalls).toHaveLength(2);
    expect(systemOf(routerCalls[0]!)).toContain('"agent": one of ["coder","scout"]');
    expect(rig.metrics().filter((m) => m.event === "model_call" && m.purpose === "route")).toHaveLength(2);
  });

  it("an invalid reply is re-asked once, then the bead stays unassigned (and is not asked about again)", async () => {
    rig = await makeRig(({ local }) => files(local), { local: byRole(() => ({ content: JSON.stringify({ agent: "nobody", priority: 2, tier: "standard" }) })) });
    await rig.run();
    expect(rig.board.read("beads/bb-odd.md")).not.toMatch(/^agent:/m);
    expect(chatRequests(rig.local)).toHaveLength(2); // the first answer and one retry
    expect(rig.logs.join("\n")).toMatch(/bb-odd: router switchboard did not route it: invalid model output after 2 tries: agent must be one of coder, scout/);
  });

  it("a remote router never sees a bead the gate keeps local", async () => {
    rig = await makeRig(
      ({ local, remote }) => ({
        ...files(local, { "beads/bb-odd.md": beadFile(["title: Tidy the salary sheet", "sensitivity: private"]) }),
        "agents/switchboard.md": switchboard(remote, "remote"),
      }),
      { remote: () => ({ content: JSON.stringify({ agent: "coder", priority: 2, tier: "standard" }) }) },
    );
    await rig.run();
    expect(rig.remote.requests).toEqual([]);
    expect(rig.board.read("beads/bb-odd.md")).not.toMatch(/^agent:/m);
    expect(rig.metrics().find((m) => m.event === "gate" && m.purpose === "route")).toMatchObject({ agent: "switchboard", decision: "block", bytes: 0 });
  });
});
