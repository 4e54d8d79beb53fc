/**
 * Shadow mode: the same context goes to the shadow agent's model only when the gate allows it
 * for that agent; only the primary's result reaches the bead; both are measured in metrics.
 */
import { afterEach, describe, expect, it } from "vitest";
import { textSimilarity } from "../../src/agent/shadow.js";
import { agentFile, beadFile, chatRequests, everythingSent, makeRig, replyJson, type Rig } from "./policy-support.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const PRIMARY = "The release adds structured outputs and faster model loading.";
const SHADOW = "Shadow says: completely different words appear here instead.";

// The board approves `notes` beads for remote agents, as a remote shadow needs (issue 14, item 4).
const APPROVE_NOTES = { ".beadboard.yml": "policy:\n  approve: [notes]\n" };
const files = (bead: string, extra: Record<string, string> = APPROVE_NOTES) => ({ local, remote }: { local: string; remote: string }) => ({
  ...extra,
  "agents/homebody.md": agentFile({ name: "homebody", host: local, takes: "{ labels: [notes] }", extra: ["shadow: cloud"] }),
  "agents/cloud.md": agentFile({ name: "cloud", host: remote, locality: "remote", extra: ["price_per_1k: 2"] }),
  "beads/bb-1.md": bead,
});

describe("shadow mode", () => {
  it("sends the primary's context to the shadow when the gate allows; only the primary's result is written; both measured", async () => {
    rig = await makeRig(files(beadFile(["title: Summarise the release notes", "labels: [notes]"], "Short.\n")), {
      local: [replyJson(PRIMARY)],
      remote: [replyJson(SHADOW)],
    });
    await rig.run();
    const text = rig.board.read("beads/bb-1.md");
    expect(text).toContain(PRIMARY);
    expect(text).not.toContain("Shadow says");
    expect(text).toMatch(/^status: done$/m);
    const [primaryCall] = chatRequests(rig.local);
    const [shadowCall] = chatRequests(rig.remote);
    expect(shadowCall).toBeDefined();
    expect((shadowCall?.body as { messages: unknown }).messages).toEqual((primaryCall?.body as { messages: unknown }).messages);
    expect(chatRequests(rig.remote)).toHaveLength(1);
    const shadow = rig.metrics().find((m) => m.event === "shadow");
    expect(shadow).toMatchObject({ agent: "homebody", bead: "bb-1", shadow: "cloud", decision: "allow", same_outcome: true, agreement: false, primary_length: PRIMARY.length, shadow_length: SHADOW.length });
    expect(Number(shadow?.similarity)).toBeLessThan(0.5);
    for (const key of ["primary_latency_ms", "shadow_latency_ms", "primary_tokens", "shadow_tokens"]) expect(typeof shadow?.[key], key).toBe("number");
    expect(JSON.stringify(rig.metrics())).not.toContain("Shadow says"); // the shadow's text is measured, never kept
    const calls = rig.metrics().filter((m) => m.event === "model_call");
    expect(calls.map((m) => [m.agent, m.purpose ?? "work"])).toEqual([["homebody", "work"], ["cloud", "shadow"]]);
  });

  it("a remote shadow needs the approval a remote run needs: without it the remote host receives nothing", async () => {
    rig = await makeRig(files(beadFile(["title: Summarise the release notes", "labels: [notes]"], "Short.\n"), {}), { local: [replyJson(PRIMARY)], remote: [replyJson(SHADOW)] });
    await rig.run();
    expect(rig.board.read("beads/bb-1.md")).toContain(PRIMARY);
    expect(chatRequests(rig.remote)).toEqual([]);
    expect(rig.metrics().find((m) => m.event === "shadow")).toMatchObject({ shadow: "cloud", decision: "block" });
    expect(String(rig.metrics().find((m) => m.event === "gate" && m.purpose === "shadow")?.reason)).toMatch(/same approval as a remote run/);
  });

  it("with the gate blocking, shadow output never reaches the remote host or the bead", async () => {
    rig = await makeRig(files(beadFile(["title: Summarise the salary review", "labels: [notes]", "sensitivity: private"], "Ada: 100k.\n")), {
      local: [replyJson(PRIMARY)],
      remote: [replyJson(SHADOW)],
    });
    await rig.run();
    expect(rig.remote.requests).toEqual([]);
    expect(everythingSent(rig.remote)).toBe("");
    const text = rig.board.read("beads/bb-1.md");
    expect(text).toContain(PRIMARY);
    expect(text).not.toContain("Shadow says");
    expect(rig.metrics().find((m) => m.event === "shadow")).toMatchObject({ shadow: "cloud", decision: "block" });
    expect(rig.metrics().find((m) => m.event === "gate" && m.purpose === "shadow")).toMatchObject({ agent: "cloud", decision: "block", bytes: 0, shadow_of: "homebody" });
  });

  it("a shadow that agrees is counted as agreement; a failing shadow never fails the bead", async () => {
    rig = await makeRig(files(beadFile(["title: Summarise", "labels: [notes]"])), {
      local: [replyJson(PRIMARY)],
      remote: [replyJson(`${PRIMARY.toUpperCase()}!!`)],
    });
    await rig.run();
    expect(rig.metrics().find((m) => m.event === "shadow")).toMatchObject({ same_outcome: true, similarity: 1, agreement: true });

    rig.board.write("beads/bb-2.md", beadFile(["title: Summarise again", "labels: [notes]"]));
    rig.board.git(["add", "-A"]);
    rig.board.git(["commit", "-qm", "person: bb-2"]);
    rig.remote.setReplies([{ status: 500, error: "boom" }]);
    await rig.run();
    expect(rig.board.read("beads/bb-2.md")).toMatch(/^status: done$/m);
    expect(rig.metrics().filter((m) => m.event === "shadow" && m.bead === "bb-2")[0]?.error).toBeDefined();
  });
});

describe("textSimilarity", () => {
  it("compares words, not case, punctuation or spacing", () => {
    expect(textSimilarity("Hello, World!", "hello world")).toBe(1);
    expect(textSimilarity("a b c d", "a b x y")).toBe(0.5);
    expect(textSimilarity("", "")).toBe(1);
    expect(textSimilarity("something", "")).toBe(0);
    expect(textSimilarity("the the the", "the")).toBe(0.5);
  });
});
