/**
 * Hierarchical work: a planner turns an epic into child beads in one commit; the specialists
 * work the children; the epic closes (with a summary, no model call) when they are all done.
 */
import { afterEach, describe, expect, it } from "vitest";
import { planProblem, planSchema } from "../../src/agent/plan.js";
import type { RecordedRequest, Reply } from "../helpers/ollama-double.js";
import { agentFile, beadFile, chatRequests, makeRig, replyJson, systemOf, type Rig } from "./policy-support.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const PLAN = {
  summary: "Three steps.",
  children: [
    { key: "schema", title: "Write the schema", body: "Define it.", type: "task", labels: ["code"], priority: 1, agent: "", deps: [] },
    { key: "parser", title: "Write the parser", body: "Parse it.", type: "task", labels: ["code"], priority: 2, agent: "coder", deps: ["schema"] },
    { key: "docs", title: "Document it", body: "Explain it.", type: "chore", labels: ["code"], priority: 3, agent: "nobody-by-this-name", deps: ["schema", "parser"] },
  ],
};

const replies = (plan: unknown) => (request: RecordedRequest): Reply =>
  systemOf(request).includes("You are the planner.") ? { content: JSON.stringify(plan) } : replyJson("child work done");

const files = ({ local }: { local: string }) => ({
  "agents/planner.md": agentFile({ name: "planner", host: local, takes: "{ types: [epic] }", extra: ["role: planner"], prompt: "You are the planner." }),
  "agents/coder.md": agentFile({ name: "coder", host: local, takes: "{ labels: [code] }" }),
  "beads/bb-epic.md": beadFile(["title: Support a config file", "type: epic", "sensitivity: private"], "We need a config file.\n"),
});

describe("planner", () => {
  it("creates the children in one commit, the specialists work them, and the epic closes when they are done", async () => {
    rig = await makeRig(files, { local: replies(PLAN) });
    const result = await rig.run();
    const subjects = rig.subjects();
    expect(subjects).toContain("route bb-epic -> planner (epic: planner)");
    const planSubject = subjects.find((s) => s.startsWith("plan bb-epic: +3 children ("));
    expect(planSubject).toBeDefined();
    const ids = /\((.*)\)/.exec(planSubject ?? "")?.[1]?.split(", ") ?? [];
    expect(ids).toHaveLength(3);

    // One commit: three new bead files and the epic.
    const hash = rig.board.git(["log", "--format=%H", `--grep=^plan bb-epic: +3`]).trim();
    const changed = rig.board.git(["show", "--name-status", "--format=", hash]).trim().split("\n").sort();
    expect(changed).toEqual([...ids.map((id) => `A\tbeads/${id}.md`), "M\tbeads/bb-epic.md"].sort());

    const [schema, parser, docs] = ids.map((id) => rig!.board.read(`beads/${id}.md`));
    for (const child of [schema, parser, docs]) {
      expect(child).toMatch(/^parent: bb-epic$/m);
      expect(child).toMatch(/^sensitivity: private$/m); // what the epic says, its children may repeat
      expect(child).toMatch(/^status: done$/m);
      expect(child).toContain("child work done");
    }
    expect(parser).toMatch(new RegExp(`^deps: \\[ ?${ids[0]} ?\\]$`, "m"));
    expect(parser).toMatch(/^agent: coder$/m); // the planner's suggestion, valid
    expect(docs).toMatch(/^agent: coder$/m); // an unknown suggestion is dropped; the router assigned it by label
    expect(subjects).toContain(`route ${ids[2]} -> coder (label "code")`);

    const epic = rig.board.read("beads/bb-epic.md");
    expect(epic).toMatch(/^status: done$/m);
    for (const id of ids) expect(epic).toContain(id);
    expect(epic).toContain("All 3 child bead(s) of bb-epic are done.");
    // Children are worked before the epic closes.
    const closed = subjects.indexOf("done bb-epic");
    for (const id of ids) expect(subjects.indexOf(`done ${id}`)).toBeLessThan(closed);
    // One model call to plan; closing needs none.
    expect(chatRequests(rig.local).filter((r) => systemOf(r).includes("You are the planner."))).toHaveLength(1);
    expect(result.outcomes.planner).toMatchObject({ planned: 1, done: 1 });
    expect(rig.metrics().find((m) => m.event === "plan")).toMatchObject({ agent: "planner", bead: "bb-epic", children: ids });
  });

  it("an invalid plan (a dependency cycle) is re-asked; after the retries the epic fails and nothing is created", async () => {
    const cyclic = { summary: "loop", children: [
      { key: "a", title: "A", deps: ["b"] },
      { key: "b", title: "B", deps: ["a"] },
    ] };
    rig = await makeRig((urls) => ({ ...files(urls), "agents/planner.md": agentFile({ name: "planner", host: urls.local, takes: "{ types: [epic] }", extra: ["role: planner", "max_attempts: 1"], prompt: "You are the planner." }) }), {
      local: replies(cyclic),
    });
    await rig.run();
    expect(rig.board.read("beads/bb-epic.md")).toMatch(/^status: failed$/m);
    expect(rig.board.read("beads/bb-epic.md")).toMatch(/form a cycle/);
    expect(rig.board.git(["ls-files", "beads"]).trim().split("\n")).toEqual(["beads/bb-epic.md"]);
    expect(chatRequests(rig.local)).toHaveLength(3);
  });
});

describe("plan validation", () => {
  const plan = (children: unknown[]) => planSchema.parse({ summary: "s", children });
  it("accepts a plan with defaults filled in, refuses duplicate keys, unknown deps and cycles", () => {
    const ok = plan([{ key: "a", title: "A" }, { key: "b", title: "B", deps: ["a"] }]);
    expect(ok.children[0]).toMatchObject({ type: "task", labels: [], priority: 2, agent: "", deps: [] });
    expect(planProblem(ok)).toBeUndefined();
    expect(planProblem(plan([{ key: "a", title: "A" }, { key: "a", title: "B" }]))).toMatch(/used twice/);
    expect(planProblem(plan([{ key: "a", title: "A", deps: ["zzz"] }]))).toMatch(/not the key of another child/);
    expect(planProblem(plan([{ key: "a", title: "A", deps: ["a"] }]))).toMatch(/cycle/);
    expect(planSchema.safeParse({ summary: "s", children: [] }).success).toBe(false);
  });
});
