import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BLOCK_BEGIN, BLOCK_END, withAgentBlock } from "../../src/board/agent-block.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard } from "./support.js";

afterEach(cleanupTempBoards);

describe("withAgentBlock", () => {
  it("rewrites only between the markers, keeping the person's text around them byte for byte", () => {
    const mine = `# Mine\r\nkeep this\r\n${BLOCK_BEGIN}\nold\n${BLOCK_END}\nand this\n`;
    const next = withAgentBlock("CLAUDE.md", mine, "new instructions");
    expect(next).toEqual({ content: `# Mine\r\nkeep this\r\n${BLOCK_BEGIN}\nnew instructions\n${BLOCK_END}\nand this\n` });
    expect(withAgentBlock("CLAUDE.md", (next as { content: string }).content, "new instructions")).toBeUndefined();
  });

  it("leaves a file without markers, or with broken ones, alone and says so", () => {
    expect(withAgentBlock("CLAUDE.md", "# my own notes\n", "x")).toEqual({ note: expect.stringMatching(/^CLAUDE\.md has no beadboard markers, so it is yours; left as it is/) });
    expect(withAgentBlock("GEMINI.md", `${BLOCK_END}\n${BLOCK_BEGIN}\n`, "x")).toEqual({ note: expect.stringMatching(/markers are not one begin followed by one end/) });
    expect(withAgentBlock("AGENTS.md", "what bead wrote\n", "x", ["what bead wrote\n"])).toEqual({ content: `${BLOCK_BEGIN}\nx\n${BLOCK_END}\n` });
  });
});

describe("bead init --agents", () => {
  it("writes the block into AGENTS.md, CLAUDE.md, GEMINI.md, QWEN.md; keeps it current; leaves a person's CLAUDE.md alone, saying so", async () => {
    const board = await cliBoard({ "CLAUDE.md": "# House rules\nNo tabs.\n" });
    const run = await board.bead(["init", "--agents", "claude,qwen,gemini"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/CLAUDE\.md has no beadboard markers, so it is yours; left as it is/);
    expect(readFileSync(join(board.dir, "CLAUDE.md"), "utf8")).toBe("# House rules\nNo tabs.\n");
    for (const file of ["AGENTS.md", "GEMINI.md", "QWEN.md"]) {
      const text = readFileSync(join(board.dir, file), "utf8");
      expect(text.startsWith(`${BLOCK_BEGIN}\n# Working on this board`)).toBe(true);
      expect(text.endsWith(`${BLOCK_END}\n`)).toBe(true);
    }
    expect(board.git(["status", "--porcelain"])).toBe("");
    // The person adds markers and text around them; a second init fills the block, touching nothing else.
    writeFileSync(join(board.dir, "CLAUDE.md"), `# House rules\nNo tabs.\n\n${BLOCK_BEGIN}\n${BLOCK_END}\nMore rules.\n`);
    const gemini = `Intro\n${readFileSync(join(board.dir, "GEMINI.md"), "utf8").replace("bead ready --json", "stale text")}Outro\n`;
    writeFileSync(join(board.dir, "GEMINI.md"), gemini);
    board.git(["commit", "-qam", "my edits"]);
    expect((await board.bead(["init", "--agents", "claude,gemini"])).code).toBe(0);
    const claude = readFileSync(join(board.dir, "CLAUDE.md"), "utf8");
    expect(claude).toMatch(/^# House rules\nNo tabs\.\n\n<!-- beadboard:begin[^\n]*\n# Working on this board[\s\S]*<!-- beadboard:end -->\nMore rules\.\n$/);
    const refreshed = readFileSync(join(board.dir, "GEMINI.md"), "utf8");
    expect(refreshed).toMatch(/^Intro\n<!-- beadboard:begin[\s\S]*bead ready --json[\s\S]*<!-- beadboard:end -->\nOutro\n$/);
    expect(refreshed).not.toContain("stale text");
    expect((await board.bead(["init", "--agents", "emacs"])).stderr).toMatch(/--agents: unknown agent "emacs"/);
  });
});
