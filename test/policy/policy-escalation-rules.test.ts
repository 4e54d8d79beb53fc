import { describe, expect, it } from "vitest";
import { escalationApproved, eligibleAgents, mayTake, policyApproves } from "../../src/policy/escalation.js";
import type { BeadFields } from "../../src/bead/fields.js";

const f = (over: Partial<BeadFields> = {}): Pick<BeadFields, "labels" | "type" | "escalation"> => ({ labels: [], type: "task", ...over });
const local = { locality: "local" as const };
const remote = { locality: "remote" as const };

describe("escalation rules", () => {
  it("the board policy approves labels, types and everything", () => {
    expect(policyApproves(f({ labels: ["Research"] }), ["research"])).toBe(true);
    expect(policyApproves(f({ labels: ["research"] }), ["label:research"])).toBe(true);
    expect(policyApproves(f({ type: "chore" }), ["type:chore"])).toBe(true);
    expect(policyApproves(f({ type: "chore" }), ["chore"])).toBe(false); // a bare word is a label
    expect(policyApproves(f(), ["*"])).toBe(true);
    expect(policyApproves(f({ labels: ["code"] }), [])).toBe(false);
  });

  it("a person's approved or the policy approves; denied always wins", () => {
    expect(escalationApproved(f({ escalation: "approved" }), [])).toBe(true);
    expect(escalationApproved(f({ escalation: "requested" }), [])).toBe(false);
    expect(escalationApproved(f({ escalation: "requested", labels: ["x"] }), ["x"])).toBe(true);
    expect(escalationApproved(f({ escalation: "denied", labels: ["x"] }), ["*"])).toBe(false);
  });

  it("remote agents take only approved beads; local agents leave beads waiting for a person alone", () => {
    expect(mayTake(remote, f(), [])).toBe(false);
    expect(mayTake(remote, f({ escalation: "approved" }), [])).toBe(true);
    expect(mayTake(local, f(), [])).toBe(true);
    expect(mayTake(local, f({ escalation: "requested" }), [])).toBe(false);
    expect(mayTake(local, f({ escalation: "approved" }), [])).toBe(false);
    expect(mayTake(local, f({ escalation: "denied" }), [])).toBe(true);
    expect(eligibleAgents(f({ labels: ["r"] }), [local, remote], ["r"])).toEqual([local, remote]);
    expect(eligibleAgents(f(), [local, remote], [])).toEqual([local]);
  });
});
