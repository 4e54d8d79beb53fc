/**
 * Cloud escalation: a local failure or `tier: complex` asks for it; a remote agent takes the
 * bead only after a person's `escalation: approved` commit (or the board policy approves the
 * category); the gate still applies after approval.
 */
import { afterEach, describe, expect, it } from "vitest";
import { agentFile, beadFile, chatRequests, makeRig, type Rig } from "./policy-support.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const cloud = (remote: string) => agentFile({ name: "cloud", host: remote, locality: "remote", takes: "{ labels: [hard, research] }", extra: ["price_per_1k: 1"] });
const homebody = (local: string) => agentFile({ name: "homebody", host: local, takes: "{ labels: [hard] }", extra: ["max_attempts: 1"] });

const statusOf = (text: string): string => /^status: (\w+)$/m.exec(text)?.[1] ?? "open";

/** A person edits a bead with the git CLI and commits it. */
function personSets(r: Rig, id: string, from: RegExp, to: string): void {
  const path = `beads/${id}.md`;
  const text = r.board.read(path);
  expect(text).toMatch(from);
  r.board.write(path, text.replace(from, to));
  r.board.git(["commit", "-qam", `person: ${to.trim()} on ${id}`]);
}

describe("escalation", () => {
  it("a local agent's final failure requests escalation; the remote agent takes the bead only after the approval commit", async () => {
    rig = await makeRig(
      ({ local, remote }) => ({
        "agents/cloud.md": cloud(remote),
        "agents/homebody.md": homebody(local),
        "beads/bb-hard.md": beadFile(["title: Prove the theorem", "labels: [hard]"], "Hard.\n"),
      }),
      { local: [{ content: "not json at all" }] },
    );
    await rig.run();
    let text = rig.board.read("beads/bb-hard.md");
    expect(text).toMatch(/^status: failed$/m);
    expect(text).toMatch(/^escalation: requested$/m);
    expect(rig.subjects()).toContain("escalate bb-hard: requested (failed on homebody)");
    expect(rig.remote.requests).toEqual([]);

    // Without approval, more runs change nothing for the remote host.
    await rig.run();
    expect(rig.remote.requests).toEqual([]);

    personSets(rig, "bb-hard", /^escalation: requested$/m, "escalation: approved");
    await rig.run();
    const subjects = rig.subjects();
    const approval = subjects.indexOf("person: escalation: approved on bb-hard");
    expect(approval).toBeGreaterThan(-1);
    expect(subjects.indexOf("escalate bb-hard -> cloud (approved)")).toBeGreaterThan(approval);
    expect(subjects.indexOf("claim bb-hard by cloud")).toBeGreaterThan(subjects.indexOf("escalate bb-hard -> cloud (approved)"));
    expect(chatRequests(rig.remote)).toHaveLength(1);
    text = rig.board.read("beads/bb-hard.md");
    expect(text).toMatch(/^status: done$/m);
    expect(text).toMatch(/^agent: cloud$/m);
    expect(text).toContain("remote result");
    const escalations = rig.metrics().filter((m) => m.event === "escalation");
    expect(escalations.map((m) => m.state)).toEqual(["requested", "handed-over"]);
  });

  it("tier: complex asks a person first: no agent takes it until approved (remote) or denied (local)", async () => {
    rig = await makeRig(({ local, remote }) => ({
      "agents/cloud.md": cloud(remote),
      "agents/homebody.md": homebody(local),
      "beads/bb-c1.md": beadFile(["title: Design the sync protocol", "labels: [hard]", "tier: complex"]),
      "beads/bb-c2.md": beadFile(["title: Design the cache", "labels: [hard]", "tier: complex"]),
    }));
    await rig.run();
    expect(rig.subjects()).toEqual(expect.arrayContaining(["escalate bb-c1: requested (tier complex)", "escalate bb-c2: requested (tier complex)"]));
    expect(rig.local.requests).toEqual([]);
    expect(rig.remote.requests).toEqual([]);
    expect(statusOf(rig.board.read("beads/bb-c1.md"))).toBe("open");

    personSets(rig, "bb-c1", /^escalation: requested$/m, "escalation: approved");
    personSets(rig, "bb-c2", /^escalation: requested$/m, "escalation: denied");
    await rig.run();
    expect(rig.board.read("beads/bb-c1.md")).toMatch(/^agent: cloud$/m);
    expect(rig.board.read("beads/bb-c1.md")).toContain("remote result");
    expect(rig.board.read("beads/bb-c2.md")).toMatch(/^agent: homebody$/m);
    expect(rig.board.read("beads/bb-c2.md")).toContain("local result");
    expect(chatRequests(rig.remote)).toHaveLength(1);
    expect(chatRequests(rig.local)).toHaveLength(1);
  });

  it("the board policy can approve a category; a person's `denied` still wins", async () => {
    rig = await makeRig(({ local, remote }) => ({
      ".beadboard.yml": "policy:\n  approve: [research]\n",
      "agents/cloud.md": cloud(remote),
      "agents/homebody.md": homebody(local),
      "beads/bb-r1.md": beadFile(["title: Compare two libraries", "labels: [research]"]),
      "beads/bb-r2.md": beadFile(["title: Compare two more", "labels: [research]", "escalation: denied"]),
      "beads/bb-x.md": beadFile(["title: Something for the cloud", "agent: cloud"]),
    }));
    await rig.run();
    expect(rig.board.read("beads/bb-r1.md")).toMatch(/^status: done$/m);
    expect(rig.board.read("beads/bb-r1.md")).toMatch(/^agent: cloud$/m);
    expect(statusOf(rig.board.read("beads/bb-r2.md"))).toBe("open");
    expect(statusOf(rig.board.read("beads/bb-x.md"))).toBe("open"); // assigned, but not approved
    expect(chatRequests(rig.remote)).toHaveLength(1);
  });

  it("approval does not bypass the gate: an approved private bead never reaches the remote host", async () => {
    rig = await makeRig(
      ({ local, remote }) => ({
        "agents/cloud.md": cloud(remote),
        "agents/homebody.md": homebody(local),
        "beads/bb-p.md": beadFile(["title: Audit the payroll", "labels: [hard]", "sensitivity: private"]),
      }),
      { local: [{ content: "not json" }] },
    );
    await rig.run();
    // The gate could never let it out, so nobody is asked to approve it.
    expect(rig.board.read("beads/bb-p.md")).toMatch(/^status: failed$/m);
    expect(rig.board.read("beads/bb-p.md")).not.toMatch(/^escalation:/m);
    // A person approves anyway.
    const text = rig.board.read("beads/bb-p.md");
    rig.board.write("beads/bb-p.md", text.replace(/^status: failed$/m, "status: failed\nescalation: approved"));
    rig.board.git(["commit", "-qam", "person: approve bb-p"]);
    await rig.run();
    expect(rig.subjects()).toContain("escalate bb-p -> cloud (approved)");
    expect(rig.remote.requests).toEqual([]);
    expect(rig.board.read("beads/bb-p.md")).toMatch(/^status: blocked$/m);
    expect(rig.metrics().find((m) => m.event === "gate" && m.agent === "cloud")).toMatchObject({ decision: "block", bytes: 0 });
  });
});
