import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAgent } from "../../src/agent/parse.js";
import { findAgent, loadAgents } from "../../src/agent/load.js";
import { boardPaths } from "../../src/board/paths.js";
import { ParseError } from "../../src/errors.js";
import { cleanupTempBoards, makeTempBoard } from "../helpers/temp-board.js";

afterEach(cleanupTempBoards);

const file = (lines: string[], body = "You are Scout.\n") => `---\n${lines.join("\n")}\n---\n${body}`;

function parseError(text: string, path = "agents/scout.md"): ParseError {
  try {
    parseAgent(text, path);
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  throw new Error("expected a ParseError");
}

describe("parseAgent", () => {
  it("reads a full agent file; the body is the system prompt", () => {
    const agent = parseAgent(
      file([
        "name: scout",
        "provider: ollama",
        "model: qwen3:8b",
        "host: http://127.0.0.1:11434",
        "takes: { labels: [research], types: research }",
        "concurrency: 2",
        "lease: 15m",
        "timeout: 1h30m",
        "options: { num_ctx: 16384, temperature: 0.2, keep_alive: 30m }",
        "clearance: secret",
        "max_attempts: 2",
        "custom_key: kept",
      ], "\nYou are Scout.\nBe brief.\n\n"),
      "agents/scout.md",
    );
    expect(agent.name).toBe("scout");
    expect(agent.path).toBe("agents/scout.md");
    expect(agent.prompt).toBe("You are Scout.\nBe brief.");
    expect(agent.fields).toMatchObject({
      provider: "ollama",
      model: "qwen3:8b",
      host: "http://127.0.0.1:11434",
      takes: { labels: ["research"], types: ["research"] },
      concurrency: 2,
      lease: 15 * 60_000,
      timeout: 90 * 60_000,
      options: { num_ctx: 16384, temperature: 0.2, keep_alive: "30m" },
      clearance: "secret",
      max_attempts: 2,
      custom_key: "kept",
    });
  });

  it("fills defaults: ollama, name from the file, 15m lease, 20m timeout, private clearance", () => {
    const agent = parseAgent(file(["model: qwen3:8b"]), "agents/scout.md");
    expect(agent.name).toBe("scout");
    expect(agent.fields).toMatchObject({ provider: "ollama", concurrency: 1, lease: 900_000, timeout: 1_200_000, clearance: "private", options: {}, takes: {} });
  });

  it("accepts a builtin agent without a model", () => {
    const agent = parseAgent(file(["name: reporter", "provider: builtin", "action: report", "takes: { labels: [report] }"], "Reports.\n"), "agents/reporter.md");
    expect(agent.fields).toMatchObject({ provider: "builtin", action: "report" });
  });

  it("refuses an ollama agent without a model, at the provider line", () => {
    const error = parseError(file(["name: scout", "takes: { labels: [x] }", "provider: ollama"]));
    expect(error.message).toMatch(/^agents\/scout\.md:4: provider ollama needs a model/);
    expect(parseError(file(["name: scout"])).message).toMatch(/^agents\/scout\.md:2: provider ollama needs a model/);
  });

  it("refuses an unknown provider, at its line", () => {
    const error = parseError(file(["name: scout", "model: m", "provider: ollamma"]));
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/^agents\/scout\.md:4: provider: provider must be one of ollama, openai, builtin, embedded/);
  });

  it("refuses a name that does not match the file name", () => {
    const error = parseError(file(["model: m", "name: scoot"]));
    expect(error.line).toBe(3);
    expect(error.message).toContain("name scoot does not match the file name scout.md");
  });

  it("refuses a bad duration, at its line", () => {
    const error = parseError(file(["name: scout", "model: m", "lease: 15 minutes"]));
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/^agents\/scout\.md:4: lease: duration "15 minutes" is not a duration/);
    expect(parseError(file(["name: scout", "model: m", "timeout: soon"])).message).toMatch(/:4: timeout: /);
  });

  // zod/mini installs no messages of its own (they would all read "Invalid input"); src/schema/zod.ts installs English.
  it("says in English what is wrong with a wrong-typed field", () => {
    expect(parseError(file(["name: scout", "model: m", "concurrency: two"])).message).toMatch(/^agents\/scout\.md:4: concurrency: Invalid input: expected number, received string/);
    expect(parseError(file(["name: scout", "model: m", "max_attempts: 99"])).message).toMatch(/^agents\/scout\.md:4: max_attempts: Too big: expected number to be <=20/);
    expect(parseError(file(["name: scout", "model: m", "allow: [[]]"])).message).toMatch(/^agents\/scout\.md:4: allow\.0: Too small: expected array to have >=1 items/);
  });

  it("refuses a builtin agent without an action, and bad YAML, with file:line", () => {
    expect(parseError(file(["name: scout", "provider: builtin"])).message).toMatch(/^agents\/scout\.md:3: a builtin agent needs an action/);
    expect(parseError(file(["name: scout", "model: [unclosed"])).message).toMatch(/^agents\/scout\.md:3: /);
    expect(parseError("no front-matter here\n").message).toMatch(/^agents\/scout\.md:1: no front-matter/);
  });
});

describe("loadAgents", () => {
  it("loads the valid agent files and reports the others without failing", async () => {
    const board = await makeTempBoard({
      "agents/good.md": file(["model: m"], "Good.\n"),
      "agents/bad.md": file(["provider: nope"]),
      "agents/.swap.md": "not an agent",
      "agents/notes.txt": "ignored",
    });
    const loaded = loadAgents(boardPaths(board.dir));
    expect(loaded.agents.map((agent) => agent.name)).toEqual(["good"]);
    expect(loaded.problems.map((problem) => problem.message)).toEqual([expect.stringMatching(/^agents\/bad\.md:2: provider: /)]);
    expect(findAgent(loaded, "good").prompt).toBe("Good.");
    expect(() => findAgent(loaded, "bad")).toThrow(ParseError);
    expect(() => findAgent(loaded, "ghost")).toThrow(/agent not found: ghost/);
  });

  it("is empty for a board without agents/", async () => {
    const board = await makeTempBoard({});
    mkdirSync(join(board.dir, "beads"));
    writeFileSync(join(board.dir, "beads", "x.md"), "---\ntitle: x\n---\n");
    expect(loadAgents(boardPaths(board.dir))).toEqual({ agents: [], problems: [] });
  });
});
