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
