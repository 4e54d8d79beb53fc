import { describe, expect, it } from "vitest";
import { spreadClaimOrder } from "../../src/agent/claim-order.js";
import { byPriorityThenAge } from "../../src/board/queries.js";
import { makeBead } from "../helpers/beads.js";

const sorted = (beads: ReturnType<typeof makeBead>[]) => [...beads].sort(byPriorityThenAge);
const ids = (beads: readonly { id: string }[]) => beads.map((bead) => bead.id);

describe("spreadClaimOrder: each clone's order on a synced board", () => {
  const beads = sorted(Array.from({ length: 40 }, (_, i) => makeBead(`b-${i}`, {}, i)));

  it("keeps every bead exactly once and is the same each time for one holder", () => {
    const order = spreadClaimOrder(beads, "coder@host0");
    expect([...ids(order)].sort()).toEqual([...ids(beads)].sort());
    expect(ids(spreadClaimOrder(beads, "coder@host0"))).toEqual(ids(order));
  });

  it("gives different holders different first choices", () => {
    const firsts = new Set(["coder@host0", "coder@host1", "coder@host2", "coder@host3"].map((holder) => spreadClaimOrder(beads, holder)[0]?.id));
    expect(firsts.size).toBeGreaterThan(2);
    // Without spreading, every clone would start at the oldest bead.
    expect(ids(beads)[0]).toBe("b-0");
  });

  it("puts more urgent beads first whatever the holder", () => {
    const mixed = sorted([makeBead("low-1", { priority: 3 }, 1), makeBead("urgent", { priority: 0 }, 9), makeBead("low-2", { priority: 3 }, 2), makeBead("mid", { priority: 1 }, 5)]);
    for (const holder of ["a@x", "b@y", "c@z"]) {
      const order = ids(spreadClaimOrder(mixed, holder));
      expect(order.slice(0, 2)).toEqual(["urgent", "mid"]);
    }
  });

  it("shuffles only within a window of the oldest beads of a priority: old work still goes first", () => {
    for (const holder of ["a@x", "b@y", "c@z", "d@w"]) {
      const order = ids(spreadClaimOrder(beads, holder, 8));
      for (let window = 0; window < 5; window++) {
        expect(order.slice(window * 8, window * 8 + 8).sort()).toEqual(ids(beads).slice(window * 8, window * 8 + 8).sort());
      }
    }
  });

  it("handles an empty list and a window of 0 (taken as 1: the plain order)", () => {
    expect(spreadClaimOrder([], "a@x")).toEqual([]);
    expect(ids(spreadClaimOrder(beads, "a@x", 0))).toEqual(ids(beads));
  });
});
