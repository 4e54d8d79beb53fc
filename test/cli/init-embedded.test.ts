/** `bead init --embedded`: the embedded agent file, offline, with the command that fetches its model. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadAgents } from "../../src/agent/load.js";
import { boardPaths } from "../../src/board/paths.js";
import { embeddedAgentFile, embeddedAgentNote } from "../../src/cli/commands/init-embedded.js";
import { DEFAULT_EMBEDDED_MODEL } from "../../src/model/default-model.js";
import { cachedFileName, parseHfUri } from "../../src/model/model-ref.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard, lastCommitFiles } from "./support.js";

afterEach(cleanupTempBoards);
const caches: string[] = [];
afterEach(() => {
  for (const dir of caches.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function emptyCache(): string {
  const dir = mkdtempSync(join(tmpdir(), "beadboard-models-"));
  caches.push(dir);
  return dir;
}

describe("bead init --embedded", () => {
  it("adds agents/tiny.md in the init commit, an agent that lints clean, and names the pull command (no network needed)", async () => {
    const board = await cliBoard({ "README.md": "# project\n" });
    const cache = emptyCache();
    const run = await board.bead(["init", "--embedded"], { env: { BEAD_MODELS_DIR: cache } });
    expect(run.code).toBe(0);
    expect(lastCommitFiles(board)).toContain("agents/tiny.md");
    expect(run.stdout).toContain(`agents/tiny.md: the embedded agent "tiny" runs ${DEFAULT_EMBEDDED_MODEL} inside bead`);
    expect(run.stdout).toContain(`run \`bead models pull ${DEFAULT_EMBEDDED_MODEL}\`, then \`bead up\``);
    expect(readdirSync(cache)).toEqual([]); // nothing fetched
    expect(await board.bead(["lint"])).toMatchObject({ code: 0, stdout: "" });
    const { agents, problems } = loadAgents(boardPaths(board.dir));
    expect(problems).toEqual([]);
    const tiny = agents.find((agent) => agent.name === "tiny");
    expect(tiny?.fields).toMatchObject({ provider: "embedded", model: DEFAULT_EMBEDDED_MODEL });
  });

  it("says where the model is once it is in the cache, and a second init changes nothing", async () => {
    const board = await cliBoard({});
    const cache = emptyCache();
    const file = join(cache, cachedFileName(parseHfUri(DEFAULT_EMBEDDED_MODEL)));
    writeFileSync(file, "GGUF");
    expect((await board.bead(["init", "--embedded"], { env: { BEAD_MODELS_DIR: cache } })).stdout).toContain(`Its model is here: ${file}.`);
    const head = board.head();
    const again = await board.bead(["init", "--embedded"], { env: { BEAD_MODELS_DIR: cache } });
    expect(again.stdout).toMatch(/already set up/);
    expect(board.head()).toBe(head);
  });

  it("keeps a person's edited agents/tiny.md and speaks of the model it names", async () => {
    const board = await cliBoard({ "agents/tiny.md": embeddedAgentFile().content.replaceAll(DEFAULT_EMBEDDED_MODEL, "hf:someone/Other-GGUF:Q8_0") });
    const run = await board.bead(["init", "--embedded"], { env: { BEAD_MODELS_DIR: emptyCache() } });
    expect(run.stdout).toContain("`bead models pull hf:someone/Other-GGUF:Q8_0`");
    expect(readFileSync(join(board.dir, "agents/tiny.md"), "utf8")).toContain("hf:someone/Other-GGUF:Q8_0");
  });

  it("without --embedded, no embedded agent", async () => {
    const board = await cliBoard({});
    const run = await board.bead(["init"]);
    expect(lastCommitFiles(board)).not.toContain("agents/tiny.md");
    expect(run.stdout).not.toContain("tiny");
  });
});

describe("embeddedAgentNote", () => {
  it("a lean install (no engine) is told how to add it; a local path that is missing is named; a bad model line gets the fix", () => {
    const root = mkdtempSync(join(tmpdir(), "beadboard-note-"));
    caches.push(root);
    mkdirSync(join(root, "agents"));
    expect(embeddedAgentNote(root, { BEAD_MODELS_DIR: root }, false).join("\n")).toContain("npm install node-llama-cpp@3.21.1");
    writeFileSync(join(root, "agents/tiny.md"), "---\nname: tiny\nmodel: models/mine.gguf\n---\n");
    expect(embeddedAgentNote(root, {}, true).join("\n")).toContain(`Its model file ${join(root, "models/mine.gguf")} is missing`);
    writeFileSync(join(root, "agents/tiny.md"), "---\nname: tiny\nmodel: hf:not/a/uri/at/all\n---\n");
    expect(embeddedAgentNote(root, {}, true).join("\n")).toContain("its model: line is not a file path or hf: URI");
  });

  it("refuses to read an agents/tiny.md that is a symlink out of the board", () => {
    const root = mkdtempSync(join(tmpdir(), "beadboard-note-"));
    caches.push(root);
    mkdirSync(join(root, "agents"));
    writeFileSync(join(root, "outside.md"), "model: hf:evil/x:Q4\n");
    symlinkSync(join(root, "outside.md"), join(root, "agents/tiny.md"));
    expect(() => embeddedAgentNote(root, {}, true)).toThrow(/agents\/tiny\.md/);
  });
});

describe("the one default model", () => {
  it("the example board's agents/tiny.md is the file init writes", () => {
    expect(readFileSync(join(import.meta.dirname, "../../agents/tiny.md"), "utf8")).toBe(embeddedAgentFile().content);
  });
});
