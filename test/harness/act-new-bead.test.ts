/**
 * new_bead from an acting agent through the worker: a follow-up through the board's normal
 * new-bead path with `discovered_from`, and the follow-up limits (per bead, depth, per hour): a
 * refused one is a `followup_limit` guardrail event and a refusal the model reads.
 */
import { describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { type OllamaDouble } from "../helpers/ollama-double.js";
import { makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { bead, chats, metrics, subjects, superviseOnce, ollamaDoubleOfEachTest } from "../agent/support.js";
import { actingAgent, call, fixBead } from "./act-support.js";

let double: OllamaDouble;
ollamaDoubleOfEachTest((started) => (double = started));

const followup = (title: string) => call("new_bead", { title, body: `Found while fixing: ${title}.`, labels: ["docs"], priority: 3 });
const finish = call("finish", { result: "Done, follow-ups filed.", outcome: "done" });

async function boardWith(files: Record<string, string> = {}): Promise<TempBoard> {
  return makeTempBoard({ "agents/codemonkey.md": actingAgent("codemonkey", double.url, ["new_bead"]), ...fixBead(), ...files });
}

function toolResultsSeen(): string[] {
  const last = chats(double).at(-1)?.body as { messages: Array<{ role: string; content: string }> };
  return last.messages.filter((m) => m.role === "tool").map((m) => m.content);
}

/** Ids of the beads created as follow-ups of `parent`, from the commit log. */
async function followupsOf(board: TempBoard, parent: string): Promise<string[]> {
  return (await subjects(board.dir)).flatMap((subject) => {
    const match = new RegExp(`^new (\\S+): follow-up of ${parent} by codemonkey$`).exec(subject);
    return match?.[1] ? [match[1]] : [];
  });
}

describe("new_bead from the worker", () => {
  it("creates a follow-up through the board's new-bead path, with discovered_from, and tells the model its id", async () => {
    const board = await boardWith();
    double.setReplies([followup("Document sum"), finish]);
    const { outcomes } = await superviseOnce(board.dir);
    expect(outcomes).toEqual({ codemonkey: { done: 1 } });
    const [child] = await followupsOf(board, "bb-fix");
    expect(child).toMatch(/^bb-[0-9a-z]+$/);
    const created = bead(board.dir, child ?? "");
    expect(created.fields).toMatchObject({ title: "Document sum", status: "open", priority: 3, labels: ["docs"], discovered_from: "bb-fix" });
    expect(created.body).toContain("Found while fixing: Document sum.");
    expect(toolResultsSeen()[0]).toBe(`created bead ${child}: Document sum`);
    expect(metrics(board.dir).filter((m) => m.event === "followup")).toEqual([expect.objectContaining({ bead: "bb-fix", created: child, tool: "new_bead" })]);
    expect(metrics(board.dir).filter((m) => m.event === "guardrail")).toEqual([]);
    // Done without changing a file: no branch is kept or recorded, and the result says so.
    expect(bead(board.dir, "bb-fix").body).toContain("(No files were changed.)");
    expect(board.read("beads/bb-fix.md")).not.toMatch(/^branch:/m);
    expect(board.git(["branch", "--list", "bead/*"]).trim()).toBe("");
  });

  it("per bead: the fourth is refused (followup_limit), the model reads why, nothing is created", async () => {
    const board = await boardWith();
    double.setReplies([followup("One"), followup("Two"), followup("Three"), followup("Four"), finish]);
    const { outcomes } = await superviseOnce(board.dir);
    expect(outcomes).toEqual({ codemonkey: { done: 1 } });
    expect(await followupsOf(board, "bb-fix")).toHaveLength(3);
    expect(toolResultsSeen()[3]).toBe("new_bead: follow-up limit per bead (3) reached; no bead was created. Name the follow-up in finish's result instead");
    const events = metrics(board.dir).filter((m) => m.event === "guardrail");
    expect(events).toEqual([expect.objectContaining({ category: "followup_limit", tool: "new_bead", bead: "bb-fix", reason: expect.stringContaining("follow-up limit per bead (3)") })]);
    expect(bead(board.dir, "bb-fix").fields.status).toBe("done");
  });

  it("depth: a follow-up of a follow-up of a follow-up is refused", async () => {
    const board = await boardWith({
      "beads/bb-root.md": beadText(["title: Root", "status: done"]),
      "beads/bb-mid.md": beadText(["title: Mid", "status: done", "discovered_from: bb-root"]),
      "beads/bb-fix.md": beadText(["title: Make the sum test pass", "labels: [code]", "discovered_from: bb-mid"]),
    });
    double.setReplies([followup("Too deep"), finish]);
    await superviseOnce(board.dir);
    expect(await followupsOf(board, "bb-fix")).toEqual([]);
    expect(toolResultsSeen()[0]).toMatch(/^new_bead: follow-up depth limit \(2\) reached; no bead was created/);
    expect(metrics(board.dir).filter((m) => m.event === "guardrail").map((m) => m.category)).toEqual(["followup_limit"]);
  });

  it("per hour: the board's per_hour bound counts follow-ups other beads made in the last hour", async () => {
    const now = new Date().toISOString();
    const board = await boardWith({
      ".beadboard.yml": "followups:\n  per_hour: 1\n",
      "beads/bb-other.md": beadText(["title: Earlier follow-up", "status: done", "discovered_from: bb-elsewhere", `created: ${now}`]),
    });
    double.setReplies([followup("Over the hour"), finish]);
    await superviseOnce(board.dir);
    expect(await followupsOf(board, "bb-fix")).toEqual([]);
    expect(toolResultsSeen()[0]).toMatch(/^new_bead: follow-ups per hour on this board \(1\) reached/);
  });
});
