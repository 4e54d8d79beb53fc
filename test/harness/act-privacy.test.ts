/**
 * Derived privacy on the acting path: a local acting agent may read a file holding a secret,
 * and then what it writes back (the result, a follow-up's body, its memory notes) carries that
 * level: marked, and private notes kept out of shared memory. Reading nothing sensitive marks
 * nothing.
 */
import { describe, expect, it } from "vitest";
import { type OllamaDouble, type Reply } from "../helpers/ollama-double.js";
import { makeTempBoard } from "../helpers/temp-board.js";
import { bead, subjects, superviseOnce, ollamaDoubleOfEachTest } from "../agent/support.js";
import { PROJECT, actingAgent, call, fixBead } from "./act-support.js";

let double: OllamaDouble;
ollamaDoubleOfEachTest((started) => (double = started));

const KEY = ["AKIA", "Q3Z7XK2M9PLW4RTB"].join("");
const MARKER = "<!-- sensitivity: secret -->";

function script(path: string): Reply[] {
  return [
    call("read_file", { path }),
    call("new_bead", { title: "Rotate the key", body: "The key in config.mjs should be rotated.", labels: ["ops"] }),
    call("finish", { result: "Looked at the configuration.", outcome: "done", memory: [{ note: "config.mjs holds the cloud key", shared: true }] }),
  ];
}

async function run(path: string) {
  const board = await makeTempBoard({
    "agents/codemonkey.md": actingAgent("codemonkey", double.url, ["read_file", "new_bead"]),
    ...fixBead(),
    ...PROJECT,
    "config.mjs": `export const key = "${KEY}";\n`,
    "memory/MEMORY.md": "# Shared memory\n",
  });
  double.setReplies(script(path));
  const { outcomes, logs } = await superviseOnce(board.dir);
  expect(outcomes, logs.join("\n")).toEqual({ codemonkey: { done: 1 } });
  const child = /^new (\S+): follow-up of bb-fix/.exec((await subjects(board.dir)).find((s) => s.startsWith("new ")) ?? "")?.[1] ?? "";
  return { board, child };
}

describe("derived privacy of an acting agent's output", () => {
  it("after reading a secret, the result, the follow-up's body and the memory note are marked, and the note stays out of shared memory", async () => {
    const { board, child } = await run("config.mjs");
    expect(bead(board.dir, "bb-fix").body).toMatch(new RegExp(`## Result\\n+${MARKER}\\nLooked at the configuration\\.`));
    expect(bead(board.dir, child).body).toContain(MARKER);
    expect(board.read("memory/MEMORY.md")).not.toContain("cloud key");
    expect(board.read("memory/codemonkey.md")).toContain(`config.mjs holds the cloud key ${MARKER}`);
  });

  it("after reading nothing sensitive, nothing is marked and the shared note is shared", async () => {
    const { board, child } = await run("sum.mjs");
    expect(bead(board.dir, "bb-fix").body).not.toContain("sensitivity:");
    expect(bead(board.dir, child).body).not.toContain("sensitivity:");
    expect(board.read("memory/MEMORY.md")).toContain("config.mjs holds the cloud key");
  });
});
