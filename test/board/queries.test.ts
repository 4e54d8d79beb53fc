import { describe, expect, it } from "vitest";
import type { Bead } from "../../src/bead/fields.js";
import { blockedBeads, blockersOf, byPriorityThenAge, filterBeads, findCycles, leaseExpired, readyBeads } from "../../src/board/queries.js";
import { byIdMap, makeBead } from "../helpers/beads.js";

const ids = (beads: readonly Bead[]) => beads.map((bead) => bead.id);
const ready = (beads: Bead[], options: Parameters<typeof readyBeads>[2] = {}) => ids(readyBeads(beads, byIdMap(beads), options));

describe("ready", () => {
  it("orders open beads by priority, then age (oldest first), then id", () => {
    const beads = [
      makeBead("late-urgent", { priority: 0 }, 300),
      makeBead("someday", { priority: 4 }, 1),
      makeBead("early-normal", { priority: 2 }, 100),
      makeBead("early-urgent", { priority: 0 }, 200),
      makeBead("b-tie", { priority: 2 }, 100),
      makeBead("a-tie", { priority: 2 }, 100),
    ];
    expect(ready(beads)).toEqual(["early-urgent", "late-urgent", "a-tie", "b-tie", "early-normal", "someday"]);
  });

  it("holds back beads whose deps are not done, and releases them when they are", () => {
    const beads = [makeBead("base"), makeBead("top", { deps: ["base"] }), makeBead("two", { deps: ["base", "done1"] }), makeBead("done1", { status: "done" })];
    expect(ready(beads)).toEqual(["base"]);
    const afterBase = beads.map((bead) => (bead.id === "base" ? makeBead("base", { status: "done" }) : bead));
    expect(ready(afterBase)).toEqual(["top", "two"]);
  });

  it("treats a dep on a bead that does not exist as never done", () => {
    expect(ready([makeBead("a", { deps: ["ghost"] })])).toEqual([]);
  });

  it("lists only open beads", () => {
    const statuses = ["claimed", "done", "failed", "blocked", "cancelled"] as const;
    const beads = statuses.map((status) => makeBead(status, { status }));
    expect(ready([...beads, makeBead("open")])).toEqual(["open"]);
  });

  it("filters by agent: beads assigned to it and unassigned ones", () => {
    const beads = [makeBead("mine", { agent: "romanov" }), makeBead("theirs", { agent: "codemonkey" }), makeBead("anyone")];
    expect(ready(beads, { agent: "romanov" })).toEqual(["anyone", "mine"]);
    expect(ready(beads)).toEqual(["anyone", "mine", "theirs"]);
  });

  it("offers claimed beads with a lapsed lease only when asked", () => {
    const now = Date.parse("2025-01-01T12:00:00Z");
    const lapsed = makeBead("lapsed", { status: "claimed", claimed_by: "x", lease_until: "2025-01-01T11:00:00Z" });
    const held = makeBead("held", { status: "claimed", claimed_by: "y", lease_until: "2025-01-01T13:00:00Z" });
    expect(ready([lapsed, held], { now })).toEqual([]);
    expect(ready([lapsed, held], { now, includeExpired: true })).toEqual(["lapsed"]);
    expect(leaseExpired(makeBead("no-lease", { status: "claimed" }), now)).toBe(true);
    expect(leaseExpired(makeBead("open"), now)).toBe(false);
  });

  it("never offers a bead caught in a dependency cycle", () => {
    const beads = [makeBead("a", { deps: ["b"] }), makeBead("b", { deps: ["a"] }), makeBead("self", { deps: ["self"] }), makeBead("free")];
    expect(ready(beads)).toEqual(["free"]);
  });
});

describe("blocked", () => {
  it("lists open beads with unfinished deps, with what blocks each, and beads marked blocked", () => {
    const beads = [
      makeBead("base", { status: "claimed" }),
      makeBead("waits", { deps: ["base", "ghost", "finished"], priority: 1 }),
      makeBead("finished", { status: "done" }),
      makeBead("stuck", { status: "blocked", priority: 0 }),
      makeBead("free"),
    ];
    const blocked = blockedBeads(beads, byIdMap(beads));
    expect(blocked.map(({ bead, blockers }) => [bead.id, blockers])).toEqual([
      ["stuck", []],
      [
        "waits",
        [
          { id: "base", status: "claimed" },
          { id: "ghost", status: "missing" },
        ],
      ],
    ]);
  });

  it("blockersOf is empty once every dep is done", () => {
    const beads = [makeBead("a", { status: "done" }), makeBead("b", { deps: ["a"] })];
    expect(blockersOf(beads[1]!, byIdMap(beads))).toEqual([]);
  });
});

describe("filters", () => {
  const beads = [
    makeBead("a", { status: "open", labels: ["ops", "code"], agent: "romanov" }),
    makeBead("b", { status: "done", labels: ["ops"] }),
    makeBead("c", { status: "claimed", labels: ["code"], agent: "romanov" }),
  ];

  it("by status (any of), agent, and labels (all of)", () => {
    expect(ids(filterBeads(beads, { status: ["open", "done"] }))).toEqual(["a", "b"]);
    expect(ids(filterBeads(beads, { agent: "romanov" }))).toEqual(["a", "c"]);
    expect(ids(filterBeads(beads, { label: ["ops"] }))).toEqual(["a", "b"]);
    expect(ids(filterBeads(beads, { label: ["ops", "code"] }))).toEqual(["a"]);
    expect(ids(filterBeads(beads, { status: ["claimed"], label: ["ops"] }))).toEqual([]);
    expect(ids(filterBeads(beads, {}))).toEqual(["a", "b", "c"]);
  });

  it("byPriorityThenAge is a total order", () => {
    const sorted = [makeBead("b", {}, 5), makeBead("a", {}, 5), makeBead("c", { priority: 1 }, 9)].sort(byPriorityThenAge);
    expect(ids(sorted)).toEqual(["c", "a", "b"]);
  });
});

describe("cycles", () => {
  const cycles = (beads: Bead[]) => findCycles(beads).map((cycle) => [...cycle].sort());

  it("finds none in a DAG, even with shared deps and deps on missing beads", () => {
    const beads = [makeBead("a", { deps: ["b", "c"] }), makeBead("b", { deps: ["d"] }), makeBead("c", { deps: ["d", "ghost"] }), makeBead("d")];
    expect(findCycles(beads)).toEqual([]);
  });

  it("finds a self-loop", () => {
    expect(findCycles([makeBead("me", { deps: ["me"] }), makeBead("other", { deps: ["me"] })])).toEqual([["me"]]);
  });

  it("finds a two-bead cycle and a longer one, each once, in dependency order", () => {
    const beads = [
      makeBead("a", { deps: ["b"] }),
      makeBead("b", { deps: ["a"] }),
      makeBead("x", { deps: ["y"] }),
      makeBead("y", { deps: ["z"] }),
      makeBead("z", { deps: ["x"] }),
      makeBead("tail", { deps: ["x"] }),
    ];
    expect(cycles(beads)).toEqual([
      ["a", "b"],
      ["x", "y", "z"],
    ]);
    const xyz = findCycles(beads).find((cycle) => cycle.includes("x"))!;
    // Each member depends on the next one (and the last on the first).
    xyz.forEach((id, i) => expect(beads.find((b) => b.id === id)!.fields.deps).toContain(xyz[(i + 1) % xyz.length]));
  });

  it("handles a 50,000-bead chain without overflowing the stack, and a cycle closing it", () => {
    const n = 50_000;
    const chain = Array.from({ length: n }, (_, i) => makeBead(`c${i}`, { deps: i + 1 < n ? [`c${i + 1}`] : [] }));
    expect(findCycles(chain)).toEqual([]);
    expect(readyBeads(chain, byIdMap(chain)).map((bead) => bead.id)).toEqual([`c${n - 1}`]);
    chain[n - 1] = makeBead(`c${n - 1}`, { deps: ["c0"] });
    const found = findCycles(chain);
    expect(found).toHaveLength(1);
    expect(found[0]).toHaveLength(n);
  });
});
