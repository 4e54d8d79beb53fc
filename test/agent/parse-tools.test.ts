/** Agent-file fields of acting agents (DESIGN §12): tools, max_steps, workspace. */
import { describe, expect, it } from "vitest";
import { parseAgent } from "../../src/agent/parse.js";
import { ParseError } from "../../src/errors.js";

const file = (lines: string[]) => `---\nname: coder\nmodel: qwen3:8b\n${lines.join("\n")}\n---\nYou fix code.\n`;

describe("acting agent fields", () => {
  it("reads tools, max_steps and workspace", () => {
    const agent = parseAgent(file(["tools: [read_file, edit_file, run, finish]", "max_steps: 12", "workspace: ../other-repo", "allow: [[node, --test]]"]), "agents/coder.md");
    expect(agent.fields).toMatchObject({ tools: ["read_file", "edit_file", "run", "finish"], max_steps: 12, workspace: "../other-repo", allow: [["node", "--test"]] });
  });

  it("without tools the agent is text-only, max_steps defaults to 30", () => {
    const agent = parseAgent(file([]), "agents/coder.md");
    expect(agent.fields.tools).toBeUndefined();
    expect(agent.fields.max_steps).toBe(30);
    expect(agent.fields.workspace).toBeUndefined();
  });

  it("an unknown tool name is a ParseError naming the file, the line and the tool names", () => {
    let error: unknown;
    try {
      parseAgent(file(["tools: [read_file, shell]"]), "agents/coder.md");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toMatch(/agents\/coder\.md:\d+.*tools.*read_file, list_files/);
  });

  it.each(["max_steps: 0", "max_steps: 1000", "max_steps: two"])("%s is refused", (line) => {
    expect(() => parseAgent(file([line]), "agents/coder.md")).toThrow(ParseError);
  });

  it("run without allow: is refused on the tools: line, with the fix", () => {
    expect(() => parseAgent(file(["tools: [read_file, run]"]), "agents/coder.md")).toThrow(/agents\/coder\.md:4: tools lists run but allow: is empty[\s\S]*allow: \[\[npm, test\]\]/);
    expect(parseAgent(file(["tools: [read_file, run]", "allow: [[npm, test]]"]), "agents/coder.md").fields.tools).toEqual(["read_file", "run"]);
    expect(parseAgent(file(["tools: [read_file]"]), "agents/coder.md").fields.allow).toEqual([]);
  });

  it("tools on a builtin agent are refused: there is no model to call them", () => {
    const builtin = "---\nname: coder\nprovider: builtin\naction: report\ntools: [read_file]\n---\nReports.\n";
    expect(() => parseAgent(builtin, "agents/coder.md")).toThrow(/agents\/coder\.md:5: tools are called by a model, and a builtin agent has none/);
  });
});
