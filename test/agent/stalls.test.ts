/** Beads nobody can take (issue 14, item 17): one reason per rule, said by doctor and once by up. */
import { afterEach, describe, expect, it } from "vitest";
import { stalledBeads } from "../../src/agent/stalls.js";
import type { AgentTakes } from "../../src/policy/router.js";
import { beadText, makeBead } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "../cli/support.js";
import { supervise } from "../../src/agent/supervisor.js";
import { boardPaths } from "../../src/board/paths.js";
import { gitEnv } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

const local: AgentTakes = { name: "coder", takes: { labels: ["code"] }, locality: "local", clearance: "internal" };
const cloud: AgentTakes = { name: "cloud", takes: {}, locality: "remote", clearance: "internal" };

describe("stalled beads", () => {
  it("gives the reason for each rule that keeps a ready bead from every agent", () => {
    const beads = [
      makeBead("ok", { labels: ["code"] }),
      makeBead("ghost", { agent: "nobody" }),
      makeBead("secret", { agent: "coder", sensitivity: "private" }),
      makeBead("remote", { agent: "cloud" }),
      makeBead("wait", { escalation: "requested", tier: "complex" }),
      makeBead("docs", { labels: ["docs"] }),
      makeBead("done", { status: "done", labels: ["x"] }),
    ];
    const stalls = Object.fromEntries(stalledBeads([local, cloud], beads, new Map(beads.map((b) => [b.id, b])), 0).map((s) => [s.id, s.why]));
    expect(Object.keys(stalls).sort()).toEqual(["docs", "ghost", "remote", "secret", "wait"]);
    expect(stalls.ghost).toMatch(/assigned to nobody, which is not an agent/);
    expect(stalls.secret).toMatch(/clearance internal is below the bead's sensitivity private/);
    expect(stalls.remote).toMatch(/remote agent, without approval/);
    expect(stalls.wait).toMatch(/waits for a person's decision.*bead approve wait/);
    expect(stalls.docs).toMatch(/no agent's takes: matches it \(labels: docs/);
  });

  it("doctor names them; a board with no agents has none", async () => {
    const agent = "---\nname: coder\nprovider: builtin\naction: report\ntakes: { labels: [code] }\n---\nx\n";
    const b = await cliBoard({ "agents/coder.md": agent, "beads/docs.md": beadText(["title: Docs", "labels: [docs]"]), "beads/code.md": beadText(["title: Code", "labels: [code]"]) });
    const run = await b.bead(["doctor", "--json"]);
    const check = (JSON.parse(run.stdout) as Array<{ name: string; ok: boolean; detail: string }>).find((c) => c.name === "beads nobody can take");
    expect(check).toMatchObject({ ok: true });
    expect(check?.detail).toMatch(/^docs: no agent's takes: matches it/);
    expect(check?.detail).not.toContain("code:");
    // up says it once, at start.
    const logs: string[] = [];
    await supervise({ paths: boardPaths(b.dir), env: { ...gitEnv(), BEAD_HOST: "t", BEAD_ACTOR: "T <t@example.test>" }, once: true, log: (line) => logs.push(line) });
    expect(logs.filter((line) => line.includes("docs: nobody can take it"))).toHaveLength(1);
  });
});

describe("stalls said again when the board changes (once per change of the set)", () => {
  it("says new stalls and cleared ones, nothing while the set is unchanged", async () => {
    const { StallWatch, stallChanges } = await import("../../src/agent/stall-watch.js");
    let beads = [makeBead("ok", { labels: ["code"] }), makeBead("docs", { labels: ["docs"] })];
    const logs: string[] = [];
    const watch = new StallWatch({ workers: [local], approve: [], log: (line) => logs.push(line), board: async () => ({ beads, byId: new Map(beads.map((b) => [b.id, b])) }), now: () => 0 });
    await watch.look();
    expect(logs).toEqual([expect.stringMatching(/^docs: nobody can take it: no agent's takes/)]);
    // Board events that change nothing about who can take what: silent, however many.
    for (let i = 0; i < 5; i++) await watch.look();
    beads = [...beads, makeBead("other", { labels: ["code"] })];
    await watch.look();
    expect(logs).toHaveLength(1);
    // A bead assigned to an agent without clearance arrives while up runs: said once.
    beads = [...beads, makeBead("salary", { agent: "coder", sensitivity: "private" })];
    await watch.look();
    await watch.look();
    expect(logs.slice(1)).toEqual([expect.stringMatching(/^salary: nobody can take it: assigned to coder, whose clearance internal is below the bead's sensitivity private/)]);
    // Its reason changes (reassigned to an agent that does not exist): said again.
    beads = beads.map((b) => (b.id === "salary" ? makeBead("salary", { agent: "ghost", sensitivity: "private" }) : b));
    await watch.look();
    expect(logs[2]).toMatch(/^salary: nobody can take it: assigned to ghost, which is not an agent/);
    // docs is done: said as cleared, once.
    beads = beads.filter((b) => b.id !== "docs");
    await watch.look();
    await watch.look();
    expect(logs.slice(3)).toEqual(["no longer stalled: docs"]);
    expect(stallChanges(new Map([["a", "x"]]), [{ id: "a", why: "x" }])).toEqual({ stalled: [], cleared: [] });
  });

  it("concurrent looks (a burst of events) are coalesced and a failing board read is one log line", async () => {
    const { StallWatch } = await import("../../src/agent/stall-watch.js");
    const beads = [makeBead("docs", { labels: ["docs"] })];
    let reads = 0;
    const logs: string[] = [];
    const watch = new StallWatch({
      workers: [local],
      approve: [],
      log: (line) => logs.push(line),
      board: async () => {
        reads++;
        if (reads === 3) throw new Error("beads/x.md: unreadable");
        return { beads, byId: new Map(beads.map((b) => [b.id, b])) };
      },
      now: () => 0,
    });
    await Promise.all([watch.look(), watch.look(), watch.look(), watch.look()]);
    expect(reads).toBe(2); // the first look, and one more for everything that came during it
    await watch.look();
    expect(logs).toEqual([expect.stringMatching(/^docs: nobody can take it/), "could not check for beads nobody can take: beads/x.md: unreadable"]);
  });

  it("board events are spaced: a burst shares one look after minGapMs (manual clock), and stop ends them", async () => {
    const { StallWatch } = await import("../../src/agent/stall-watch.js");
    let now = 0;
    const timers: Array<{ at: number; run: () => void }> = [];
    const clock = { now: () => now, setTimeout: (run: () => void, ms: number) => timers.push({ at: now + ms, run }), clearTimeout: (handle: unknown) => void timers.splice(timers.findIndex((_, i) => i + 1 === handle), 1) };
    const advance = async (ms: number) => {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.run();
      }
      await new Promise((resolve) => setImmediate(resolve));
    };
    let reads = 0;
    const beads = [makeBead("docs", { labels: ["docs"] })];
    const watch = new StallWatch({ workers: [local], approve: [], log: () => undefined, board: async () => (reads++, { beads, byId: new Map(beads.map((b) => [b.id, b])) }), now: () => 0, minGapMs: 2_000, clock });
    await watch.look();
    expect(reads).toBe(1);
    for (let i = 0; i < 50; i++) watch.request();
    expect(timers).toHaveLength(1);
    await advance(1_999);
    expect(reads).toBe(1);
    await advance(1);
    expect(reads).toBe(2);
    watch.request();
    watch.stop();
    await advance(10_000);
    expect(reads).toBe(2);
  });

  it("bead up says a stall that appears while it runs, once", async () => {
    const agent = "---\nname: coder\nprovider: builtin\naction: report\ntakes: { labels: [code] }\nclearance: internal\n---\nx\n";
    const b = await cliBoard({ "agents/coder.md": agent, "beads/docs.md": beadText(["title: Docs", "labels: [docs]"]) });
    const logs: string[] = [];
    let stop: () => void = () => undefined;
    const running = supervise({ paths: boardPaths(b.dir), env: { ...gitEnv(), BEAD_HOST: "t", BEAD_ACTOR: "T <t@example.test>" }, once: false, log: (line) => logs.push(line), stopSignal: new Promise<void>((resolve) => (stop = resolve)) });
    const until = (probe: () => boolean) => expect.poll(probe, { timeout: 10_000 }).toBe(true);
    await until(() => logs.some((line) => line.includes("agent(s) watching")));
    b.write("beads/salary.md", beadText(["title: Salaries", "agent: coder", "sensitivity: private"]));
    await until(() => logs.some((line) => line.startsWith("salary: nobody can take it")));
    // More changes to the board (a person's edit elsewhere) do not repeat it.
    b.write("beads/docs.md", beadText(["title: Docs, edited", "labels: [docs]"]));
    b.write("beads/code.md", beadText(["title: Code", "labels: [code]"]));
    await until(() => /status: done/.test(b.read("beads/code.md")));
    stop();
    await running;
    expect(logs.filter((line) => line.startsWith("salary: nobody can take it"))).toHaveLength(1);
    expect(logs.filter((line) => line.startsWith("docs: nobody can take it"))).toHaveLength(1);
  });
});
