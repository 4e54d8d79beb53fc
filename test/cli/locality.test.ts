/** Locality you can see (issue 14, item 5): `bead agent ls` and `doctor` say where each agent's model runs and why; a board can pin it. */
import { describe, expect, it, afterEach } from "vitest";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { explainHostLocality } from "../../src/policy/locality.js";
import { cliBoard } from "./support.js";

afterEach(cleanupTempBoards);

const agent = (name: string, host: string, extra = "") => `---\nname: ${name}\nprovider: ollama\nmodel: m\nhost: ${host}\n${extra}---\nYou are ${name}.\n`;

describe("locality", () => {
  it("explains the host rule", () => {
    expect(explainHostLocality("http://gpu-box:11434")).toEqual({ locality: "local", why: "gpu-box is a single-label name, which only a local resolver answers" });
    expect(explainHostLocality("http://models.corp.internal")).toMatchObject({ locality: "local", why: expect.stringContaining("under .internal") });
    expect(explainHostLocality("http://127.0.0.1:1")).toMatchObject({ locality: "local" });
    expect(explainHostLocality("https://api.example.com")).toEqual({ locality: "remote", why: "api.example.com is a public DNS name" });
    expect(explainHostLocality("http://100.64.0.1")).toMatchObject({ locality: "remote" });
  });

  it("bead agent ls shows each agent's locality and why; the board's pin wins over the host rule and the agent file", async () => {
    const b = await cliBoard({
      "agents/gpu.md": agent("gpu", "http://gpu-box:11434"),
      "agents/cloud.md": agent("cloud", "https://api.example.com"),
      "agents/tagged.md": agent("tagged", "https://api.example.com", "locality: local\n"),
      "agents/pinned.md": agent("pinned", "http://gpu-box:11434", "locality: local\n"),
      ".beadboard.yml": "locality:\n  pinned: remote\n",
    });
    const run = await b.bead(["agent", "ls", "--json"]);
    expect(run.code).toBe(0);
    const rows = (JSON.parse(run.stdout) as { agents: Array<{ name: string; locality: string; locality_why: string }> }).agents;
    const byName = Object.fromEntries(rows.map((row) => [row.name, [row.locality, row.locality_why]]));
    expect(byName).toEqual({
      cloud: ["remote", "api.example.com is a public DNS name"],
      gpu: ["local", "gpu-box is a single-label name, which only a local resolver answers"],
      pinned: ["remote", "pinned by .beadboard.yml (locality:)"],
      tagged: ["local", "set in agents/tagged.md (locality:)"],
    });
    const text = await b.bead(["agent", "ls"]);
    expect(text.stdout).toMatch(/^pinned .*remote \(pinned by \.beadboard\.yml \(locality:\)\)/m);
  });

  it("doctor reports the locality of each agent; a bad pin is a config error", async () => {
    const b = await cliBoard({ "agents/near.md": agent("near", "http://127.0.0.1:1"), ".beadboard.yml": "locality:\n  near: remote\n" });
    const run = await b.bead(["doctor", "--json"]);
    const checks = JSON.parse(run.stdout) as Array<{ name: string; detail: string }>;
    expect(checks.find((check) => check.name === "agent near locality")?.detail).toBe("remote: pinned by .beadboard.yml (locality:)");
    b.write(".beadboard.yml", "locality:\n  near: cloudy\n");
    const bad = await b.bead(["agent", "ls"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/locality\.near must be local or remote/);
  });
});
