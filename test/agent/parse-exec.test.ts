/** Agent-file fields of `provider: exec` (DESIGN §12): what an exec agent must say, with errors naming file, line and fix. */
import { describe, expect, it } from "vitest";
import { parseAgent } from "../../src/agent/parse.js";
import { ParseError } from "../../src/errors.js";

const file = (lines: string[]) => `---\nname: outside\n${lines.join("\n")}\n---\nYou fix code.\n`;
const execFile = (lines: string[]) => file(["provider: exec", "locality: local", ...lines]);

function parseError(text: string): ParseError {
  try {
    parseAgent(text, "agents/outside.md");
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  throw new Error("parsed without an error");
}

describe("exec agent fields", () => {
  it("reads command with its placeholders; no model needed", () => {
    const agent = parseAgent(execFile(['command: [aider, --yes-always, --message-file, "{prompt_file}"]', "timeout: 30m"]), "agents/outside.md");
    expect(agent.fields).toMatchObject({ provider: "exec", command: ["aider", "--yes-always", "--message-file", "{prompt_file}"], locality: "local", timeout: 1_800_000 });
    expect(agent.fields.model).toBeUndefined();
  });

  it.each([
    [execFile([]), 3, /provider exec needs a command.*add e\.g\. `command:/],
    [execFile(["command: []"]), 5, /command: command needs at least the program/],
    [execFile(["command: aider"]), 5, /command: command is a list of strings/],
    [execFile(['command: ["", x]']), 5, /the program\) is empty/],
    [execFile(['command: [qwen, "{promt}"]']), 5, /unknown placeholder \{promt\}.*\{prompt\}, \{prompt_file\} and \{workspace\}/],
    [execFile(["command: [qwen]", "tools: [read_file]"]), 6, /brings its own tools.*remove tools:/],
    [file(["provider: exec", "command: [qwen]"]), 3, /needs locality: .*add `locality: local`/],
    [file(["provider: ollama", "model: m", "command: [qwen]"]), 5, /command: is for provider exec, not ollama/],
  ])("refuses %#, naming the file and line", (text, line, message) => {
    const error = parseError(text);
    expect(error.message).toMatch(new RegExp(`^agents/outside\\.md:${line}: `));
    expect(error.message).toMatch(message);
  });
});
