/**
 * The example board's acting agent: codemonkey (agents/codemonkey.md, as shipped) finishes bead
 * bb-ca1c (beads/bb-ca1c.md, calc/) through the worker, driven by the demo's scripted stand-in
 * (scripts/demo-model.js) exactly as `npm run demo` runs it without Ollama; and the stand-in
 * hands any other bead back untouched.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain-JS demo script without type declarations
import { startScriptedModel } from "../../scripts/demo-model.js";
import { runCli } from "../helpers/cli.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";
import { bead, superviseOnce, testEnv } from "../agent/support.js";

const repoRoot = join(import.meta.dirname, "..", "..");
const shipped = (rel: string) => readFileSync(join(repoRoot, rel), "utf8");
type ScriptedModel = { url: string; close(): Promise<void> };

let model: ScriptedModel | undefined;
afterEach(async () => {
  await model?.close();
  model = undefined;
  await cleanupTempBoards();
});

function nodeTest(cwd: string): Promise<number> {
  return new Promise((resolve) => execFile(process.execPath, ["--test", "calc/"], { cwd }, (error) => resolve(error ? Number(error.code ?? 1) : 0)));
}

describe("the example board's codemonkey", () => {
  it("finishes bb-ca1c on bead/bb-ca1c with the shipped agent file; bead merge brings the fix home and calc's tests pass", async () => {
    const board = await makeTempBoard({
      "agents/codemonkey.md": shipped("agents/codemonkey.md"),
      "beads/bb-ca1c.md": shipped("beads/bb-ca1c.md"),
      "calc/stats.mjs": shipped("calc/stats.mjs"),
      "calc/stats.test.mjs": shipped("calc/stats.test.mjs"),
    });
    expect(await nodeTest(board.dir)).not.toBe(0);
    model = (await startScriptedModel()) as ScriptedModel;
    const { outcomes, logs } = await superviseOnce(board.dir, { env: { OLLAMA_HOST: model.url } });
    expect(outcomes, logs.join("\n")).toEqual({ codemonkey: { done: 1 } });
    expect(bead(board.dir, "bb-ca1c").body).toContain("`node --test calc/` passes");
    expect(board.read("beads/bb-ca1c.md")).toMatch(/^branch: bead\/bb-ca1c$/m);
    expect(board.read("calc/stats.mjs")).toBe(shipped("calc/stats.mjs"));
    const diff = await runCli(["diff", "bb-ca1c"], { cwd: board.dir, env: testEnv() });
    expect(diff.stdout).toContain("+  return values.reduce((total, value) => total + value, 0) / values.length;");
    expect((await runCli(["merge", "bb-ca1c"], { cwd: board.dir, env: testEnv() })).code).toBe(0);
    expect(await nodeTest(board.dir)).toBe(0);
  });

  it("the stand-in plays only bb-ca1c: another bead is released untouched, not failed", async () => {
    const board = await makeTempBoard({
      "agents/codemonkey.md": shipped("agents/codemonkey.md"),
      "beads/other.md": "---\ntitle: Something else\nlabels: [code]\n---\nDo it.\n",
    });
    model = (await startScriptedModel()) as ScriptedModel;
    const { outcomes } = await superviseOnce(board.dir, { env: { OLLAMA_HOST: model.url } });
    expect(outcomes).toEqual({ codemonkey: { unreachable: 1 } });
    expect(bead(board.dir, "other").fields).toMatchObject({ status: "open", attempts: 0 });
  });
});
