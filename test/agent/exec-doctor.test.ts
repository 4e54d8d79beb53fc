/** `bead doctor` on an exec agent: is its harness where spawn (no shell) will look for it? */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAgent } from "../../src/agent/parse.js";
import { agentChecks } from "../../src/cli/commands/doctor.js";
import { cliBoard } from "../cli/support.js";

const bin = mkdtempSync(join(tmpdir(), "bb-exec-bin-"));
writeFileSync(join(bin, "fake-harness"), "#!/bin/sh\necho hi\n");
chmodSync(join(bin, "fake-harness"), 0o755);
writeFileSync(join(bin, "not-executable"), "data\n");
afterAll(() => rmSync(bin, { recursive: true, force: true }));

const agent = (program: string) => parseAgent(`---\nname: outside\nprovider: exec\nlocality: local\ncommand: [${JSON.stringify(program)}, "{prompt}"]\n---\nFix.\n`, "agents/outside.md");

describe("doctor: exec agents", () => {
  it("finds the program on PATH, or by its path", async () => {
    expect(await agentChecks(agent("fake-harness"), { PATH: `/nonexistent:${bin}` })).toEqual([{ name: "agent outside", ok: true, detail: `exec: fake-harness is ${join(bin, "fake-harness")}` }]);
    expect((await agentChecks(agent(join(bin, "fake-harness")), { PATH: "" }))[0]?.ok).toBe(true);
  });

  it.each(["no-such-harness", "not-executable", "/nonexistent/harness"])("%s: FAIL, saying to install it or fix command:", async (program) => {
    const [check] = await agentChecks(agent(program), { PATH: bin });
    expect(check).toEqual({ name: "agent outside", ok: false, detail: `exec: ${program} is not an executable on PATH; install it or fix command: in agents/outside.md` });
  });
});

describe("bead agent ls: exec agents", () => {
  it("shows the harness's program as the model", async () => {
    const board = await cliBoard({ "agents/outside.md": `---\nname: outside\nprovider: exec\nlocality: local\ncommand: ["/opt/bin/qwen", "{prompt}"]\n---\nFix.\n` });
    try {
      expect((await board.bead(["agent", "ls"])).stdout).toContain("outside  exec:qwen  local (set in agents/outside.md (locality:))  idle");
    } finally {
      await board.cleanup();
    }
  });
});
