/**
 * A model that proposes follow-ups on every reply: `bead up --once` ends, the board stays
 * bounded, each refusal is a `followup_limit` guardrail event and the refused proposal is in
 * the result text.
 */
import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { admitFollowups, countFollowups, DEFAULT_FOLLOWUP_LIMITS } from "../../src/agent/followup-limit.js";
import type { Bead } from "../../src/bead/fields.js";
import { readBoardConfig } from "../../src/board/config.js";
import { beadText } from "../helpers/beads.js";
import type { OllamaDouble } from "../helpers/ollama-double.js";
import { makeTempBoard } from "../helpers/temp-board.js";
import { bead, metrics, ollamaAgent, replyJson, superviseOnce, ollamaDoubleOfEachTest } from "./support.js";

let double: OllamaDouble;
ollamaDoubleOfEachTest((started) => (double = started));

const followup = (n: number) => ({ title: `Follow-up idea ${n}`, body: `Look into idea ${n}.`, labels: ["code"], priority: 2 });
const beadIds = (dir: string) => readdirSync(join(dir, "beads")).filter((name) => name.endsWith(".md")).map((name) => name.slice(0, -3)).sort();

describe("follow-up bounds", () => {
  it("a model proposing a follow-up on every reply: --once ends at depth 2, and the refused proposal is in the result", async () => {
    const board = await makeTempBoard({
      "agents/coder.md": ollamaAgent("coder", double.url, ["takes: { labels: [code] }"]),
      "beads/bb-1.md": beadText(["title: Root", "labels: [code]"], "Start here.\n"),
    });
    let n = 0;
    double.setReplies(() => ({ content: replyJson({ followups: [followup(++n)] }) }));
    const { outcomes } = await superviseOnce(board.dir);
    expect(outcomes.coder?.done).toBe(3);
    const ids = beadIds(board.dir);
    expect(ids).toHaveLength(3); // the root, a follow-up, a follow-up of that
    const deepest = ids.map((id) => bead(board.dir, id)).find((b) => b.fields.discovered_from !== undefined && ids.includes(b.fields.discovered_from) && bead(board.dir, b.fields.discovered_from).fields.discovered_from !== undefined);
    expect(deepest).toBeDefined();
    expect(deepest!.body).toContain("Proposed follow-ups not created (follow-up depth limit (2) reached):\n- Follow-up idea 3: Look into idea 3.");
    const guardrails = metrics(board.dir).filter((m) => m.event === "guardrail" && m.reason === "followup_limit");
    expect(guardrails).toEqual([expect.objectContaining({ bead: deepest!.id, refused: 1 })]);
  });

  it("creates at most per_bead follow-ups of one bead and at most per_hour on the board", async () => {
    const board = await makeTempBoard({
      ".beadboard.yml": "followups: { per_bead: 3, per_hour: 4, depth: 1 }\n",
      "agents/coder.md": ollamaAgent("coder", double.url, ["takes: { labels: [code] }"]),
      "beads/bb-1.md": beadText(["title: One", "labels: [code]", "priority: 0"], "x\n"),
      "beads/bb-2.md": beadText(["title: Two", "labels: [code]", "priority: 1"], "y\n"),
    });
    let n = 0;
    double.setReplies(() => ({ content: replyJson({ followups: [1, 2, 3, 4, 5].map(() => followup(++n)) }) }));
    await superviseOnce(board.dir);
    const created = beadIds(board.dir).filter((id) => !["bb-1", "bb-2"].includes(id)).map((id) => bead(board.dir, id).fields.discovered_from);
    expect(created.filter((from) => from === "bb-1")).toHaveLength(3);
    expect(created.filter((from) => from === "bb-2")).toHaveLength(1); // the hour's 4th
    const reasons = metrics(board.dir).filter((m) => m.reason === "followup_limit").map((m) => [m.bead, m.detail]);
    expect(reasons).toContainEqual(["bb-1", "follow-up limit per bead (3) reached"]);
    expect(reasons).toContainEqual(["bb-2", "follow-ups per hour on this board (4) reached"]);
    expect(bead(board.dir, "bb-2").body).toContain("- Follow-up idea 10: Look into idea 10.");
  });

  it("rejects a bad followups setting naming the file and key", async () => {
    const board = await makeTempBoard({ ".beadboard.yml": "followups: { depth: -1 }\n" });
    await expect(readBoardConfig(join(board.dir, ".beadboard.yml"))).rejects.toThrow(/\.beadboard\.yml: followups\.depth must be a whole number, 0 or more/);
  });
});

describe("admitFollowups / countFollowups (pure)", () => {
  const mk = (id: string, from?: string, createdMs = 0): Bead => ({ id, path: `beads/${id}.md`, createdMs, fields: { title: id, status: "open", priority: 2, type: "task", labels: [], deps: [], sensitivity: "internal", attempts: 0, ...(from ? { discovered_from: from } : {}) } });
  it("counts siblings, depth along discovered_from, and the last hour", () => {
    const beads = [mk("a"), mk("b", "a", 10_000_000), mk("c", "b", 1000), mk("d", "a", 9_000_000)];
    const byId = new Map(beads.map((b) => [b.id, b]));
    expect(countFollowups(beads, byId, "c", DEFAULT_FOLLOWUP_LIMITS, 10_000_000)).toEqual({ siblings: 0, parentDepth: 2, lastHour: 2 });
    expect(countFollowups(beads, byId, "a", DEFAULT_FOLLOWUP_LIMITS, 10_000_000)).toEqual({ siblings: 2, parentDepth: 0, lastHour: 2 });
  });
  it("stops on a hand-made discovered_from cycle", () => {
    const beads = [mk("x", "y"), mk("y", "x")];
    expect(countFollowups(beads, new Map(beads.map((b) => [b.id, b])), "x", DEFAULT_FOLLOWUP_LIMITS, 0).parentDepth).toBe(1);
  });
  it("admits within every bound and names the bound that refused", () => {
    const limits = { perBead: 3, depth: 2, perHour: 10 };
    expect(admitFollowups(2, { siblings: 0, parentDepth: 0, lastHour: 0 }, limits)).toEqual({ admitted: 2 });
    expect(admitFollowups(5, { siblings: 1, parentDepth: 0, lastHour: 0 }, limits)).toEqual({ admitted: 2, reason: "follow-up limit per bead (3) reached" });
    expect(admitFollowups(1, { siblings: 0, parentDepth: 2, lastHour: 0 }, limits)).toEqual({ admitted: 0, reason: "follow-up depth limit (2) reached" });
    expect(admitFollowups(3, { siblings: 0, parentDepth: 1, lastHour: 9 }, limits)).toEqual({ admitted: 1, reason: "follow-ups per hour on this board (10) reached" });
  });
});
