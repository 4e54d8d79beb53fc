import { describe, expect, it } from "vitest";
import type { BeadFields } from "../../src/bead/fields.js";
import { checkClaimable, holderName, isHeldBy, type ClaimCheck } from "../../src/claim/rules.js";

const NOW = Date.parse("2026-11-22T12:00:00.000Z");
const LATER = "2026-11-22T12:15:00.000Z";
const EARLIER = "2026-11-22T11:45:00.000Z";

function fields(over: Partial<BeadFields> = {}): BeadFields {
  return { title: "A bead", status: "open", priority: 2, type: "task", labels: [], deps: [], sensitivity: "internal", attempts: 0, ...over };
}

const DEPS: Record<string, string> = { d1: "done", d2: "done", d3: "open", d4: "claimed" };

function check(over: Partial<BeadFields>, rest: Partial<ClaimCheck> = {}) {
  return checkClaimable({ fields: fields(over), holder: "me@host", agent: "me", depStatus: (id) => DEPS[id], now: NOW, ...rest });
}

function claimedBy(holder: string, leaseUntil: string | undefined, over: Partial<BeadFields> = {}): Partial<BeadFields> {
  return { status: "claimed", claimed_by: holder, claimed_at: EARLIER, ...(leaseUntil === undefined ? {} : { lease_until: leaseUntil }), ...over };
}

describe("checkClaimable", () => {
  it("allows an open bead with no deps: a fresh claim, not a renewal or a takeover", () => {
    expect(check({})).toEqual({ ok: true, renew: false, takeover: false });
  });

  it("allows an open bead whose deps are all done", () => {
    expect(check({ deps: ["d1", "d2"] })).toEqual({ ok: true, renew: false, takeover: false });
  });

  it("refuses while a dep is not done, naming each waiting dep and its status, missing ones too", () => {
    const verdict = check({ deps: ["d1", "d3", "d4", "ghost"] });
    expect(verdict).toEqual({ ok: false, reason: "waiting on d3 (open), d4 (claimed), ghost (missing)" });
  });

  it("refuses a recurring bead's template, open or with a lapsed claim: only the beads made from it are worked", () => {
    const refusal = { ok: false, reason: "it is a template for recurring beads (it has a schedule); claim the beads made from it" };
    expect(check({ schedule: "0 9 * * 1" })).toEqual(refusal);
    expect(check(claimedBy("other@host", EARLIER, { schedule: "@daily" }))).toEqual(refusal);
    expect(check({ recurs_from: "standup", slot: "2026-11-22T09:00:00.000Z" })).toEqual({ ok: true, renew: false, takeover: false });
  });

  it("refuses a bead assigned to another agent, and allows one assigned to this agent", () => {
    expect(check({ agent: "romanov" })).toEqual({ ok: false, reason: "it is assigned to romanov" });
    expect(check({ agent: "me" })).toEqual({ ok: true, renew: false, takeover: false });
  });

  it("checks the assignment before anything else, even for a bead the claimer holds", () => {
    expect(check(claimedBy("me@host", LATER, { agent: "romanov" }))).toMatchObject({ ok: false, reason: "it is assigned to romanov" });
  });

  it.each(["done", "failed", "blocked", "cancelled"] as const)("refuses a %s bead", (status) => {
    expect(check({ status })).toEqual({ ok: false, reason: `its status is ${status}` });
  });

  it("refuses a bead another holder claimed with a live lease, naming the holder and when the lease ends", () => {
    expect(check(claimedBy("other@box", LATER))).toEqual({
      ok: false,
      reason: `held by other@box until ${LATER}`,
      holder: "other@box",
      leaseUntil: LATER,
    });
  });

  it("treats the same agent name on another host as another holder", () => {
    expect(check(claimedBy("me@elsewhere", LATER))).toMatchObject({ ok: false, holder: "me@elsewhere" });
  });

  it("renews a bead the claimer already holds, live or lapsed", () => {
    expect(check(claimedBy("me@host", LATER))).toEqual({ ok: true, renew: true, takeover: false });
    expect(check(claimedBy("me@host", EARLIER))).toEqual({ ok: true, renew: true, takeover: false });
  });

  it("allows taking over a lapsed lease, and calls it a takeover", () => {
    expect(check(claimedBy("other@box", EARLIER))).toEqual({ ok: true, renew: false, takeover: true });
  });

  it("counts a lease that ends exactly now as lapsed", () => {
    expect(check(claimedBy("other@box", new Date(NOW).toISOString()))).toEqual({ ok: true, renew: false, takeover: true });
    expect(check(claimedBy("other@box", new Date(NOW + 1).toISOString()))).toMatchObject({ ok: false });
  });

  it("treats a claim without a readable lease as lapsed (nobody could ever renew it)", () => {
    expect(check(claimedBy("other@box", undefined))).toEqual({ ok: true, renew: false, takeover: true });
    expect(check(claimedBy("other@box", "next tuesday"))).toEqual({ ok: true, renew: false, takeover: true });
  });

  it("still requires deps done to take over a lapsed lease", () => {
    expect(check(claimedBy("other@box", EARLIER, { deps: ["d3"] }))).toEqual({ ok: false, reason: "waiting on d3 (open)" });
    expect(check(claimedBy("other@box", EARLIER, { deps: ["d1"] }))).toEqual({ ok: true, renew: false, takeover: true });
  });

  it("names 'someone' for a live claim without a claimed_by, with no holder field", () => {
    const verdict = check({ status: "claimed", lease_until: LATER });
    expect(verdict).toEqual({ ok: false, reason: `held by someone until ${LATER}`, leaseUntil: LATER });
  });

  it("uses the `now` it is given, not the clock", () => {
    expect(check(claimedBy("other@box", LATER), { now: Date.parse(LATER) + 1 })).toMatchObject({ ok: true, takeover: true });
  });
});

describe("holderName", () => {
  it("qualifies an agent name with the host", () => {
    expect(holderName("codemonkey", "box1")).toBe("codemonkey@box1");
  });

  it("keeps a name that already names its host", () => {
    expect(holderName("codemonkey@box2", "box1")).toBe("codemonkey@box2");
  });
});

describe("isHeldBy", () => {
  it("is true only for a claimed bead with exactly this holder", () => {
    expect(isHeldBy(fields(claimedBy("me@host", LATER)), "me@host")).toBe(true);
    expect(isHeldBy(fields(claimedBy("me@host", EARLIER)), "me@host")).toBe(true);
    expect(isHeldBy(fields(claimedBy("other@box", LATER)), "me@host")).toBe(false);
    expect(isHeldBy(fields(claimedBy("me@elsewhere", LATER)), "me@host")).toBe(false);
  });

  it("is false once the bead left the claimed status, even if claimed_by still names us", () => {
    expect(isHeldBy(fields({ status: "done", claimed_by: "me@host" }), "me@host")).toBe(false);
    expect(isHeldBy(fields({ status: "open", claimed_by: "me@host" }), "me@host")).toBe(false);
  });
});
