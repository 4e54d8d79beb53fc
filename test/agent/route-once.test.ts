/**
 * Two clones routing the same board through the smart-HTTP git server at the same time: each
 * bead gets exactly one `route` commit on the server, and routing makes no merge commits.
 * (Before: each clone committed its own routes locally, both pushed them with the next sync.)
 */
import { afterEach, describe, expect, it } from "vitest";
import { loadAgents } from "../../src/agent/load.js";
import { MetricsLog } from "../../src/agent/metrics.js";
import { buildRegistry } from "../../src/agent/registry.js";
import { BoardRouter } from "../../src/agent/route.js";
import { readBoardConfig } from "../../src/board/config.js";
import { syncBoard } from "../../src/sync/sync.js";
import { beadFile, startSyncRig, type Clone, type SyncRig } from "../git/sync-support.js";
import { runGit } from "../helpers/temp-board.js";
import { REPORTER } from "./support.js";

const CODER = "---\nname: coder\nprovider: builtin\naction: report\ntakes: { labels: [code] }\n---\nCodes.\n";

async function routerFor(clone: Clone, log: string[]): Promise<BoardRouter> {
  const paths = clone.ctx.paths;
  const agents = loadAgents(paths).agents;
  return new BoardRouter({
    ctx: clone.ctx,
    config: await readBoardConfig(paths.configFile),
    registry: buildRegistry(agents, {}),
    gatePolicy: { remoteMax: "internal", localOnly: false },
    metrics: new MetricsLog(paths.stateDir),
    log: (line) => log.push(line),
    remote: clone.remote,
  });
}

describe("routing across clones", () => {
  let rig: SyncRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it("routes each bead once, whichever clone gets there first, without merge commits", async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `b${i}`);
    rig = await startSyncRig({
      "agents/reporter.md": REPORTER,
      "agents/coder.md": CODER,
      ...Object.fromEntries(ids.map((id, i) => [`beads/${id}.md`, beadFile(`Bead ${id}`, [`labels: [${i % 2 ? "code" : "report"}]`])])),
    });
    const a = await rig.clone("a");
    const b = await rig.clone("b");
    const logA: string[] = [];
    const logB: string[] = [];
    const [routerA, routerB] = await Promise.all([routerFor(a, logA), routerFor(b, logB)]);
    const [sumA, sumB] = await Promise.all([routerA.run(), routerB.run()]);
    // What either clone still has unpushed goes out now, as the next sync would send it.
    await syncBoard(a.ctx, a.remote);
    await syncBoard(b.ctx, b.remote);

    const routes = (await rig.serverLog()).filter((subject) => subject.startsWith("route "));
    for (const id of ids) expect(routes.filter((subject) => subject.startsWith(`route ${id} -> `))).toHaveLength(1);
    expect(sumA.routed + sumB.routed).toBe(ids.length);
    const merges = (await runGit(rig.server.barePath(rig.repo), ["rev-list", "--merges", "main"])).trim();
    expect(merges).toBe("");
    expect([...logA, ...logB].filter((line) => line.includes("failed"))).toEqual([]);
    expect(await rig.serverFile("beads/b1.md")).toMatch(/^agent: coder$/m);
    expect(await rig.serverFile("beads/b0.md")).toMatch(/^agent: reporter$/m);
    expect(await rig.fsck(a.dir)).toBe("");
  });
});
