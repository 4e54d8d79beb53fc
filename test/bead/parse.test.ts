import { describe, expect, it } from "vitest";
import { decodeBeadBytes, MAX_BEAD_BYTES, parseBead } from "../../src/bead/parse.js";
import { ParseError } from "../../src/errors.js";
import { beadText } from "../helpers/beads.js";

const FILE = "beads/x.md";

/** The ParseError a text raises; fails the test when it parses. */
function parseError(text: string): ParseError {
  try {
    parseBead(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    return error as ParseError;
  }
  throw new Error(`expected a ParseError for ${JSON.stringify(text)}`);
}

describe("parseBead: valid beads", () => {
  it("accepts a hand-written bead with only a title and fills every default", () => {
    const { fields, body } = parseBead(beadText(["title: Fix the login page"]), FILE);
    expect(fields).toEqual({
      title: "Fix the login page",
      status: "open",
      priority: 2,
      type: "task",
      labels: [],
      deps: [],
      sensitivity: "internal",
      attempts: 0,
    });
    expect(body).toBe("");
  });

  it("reads the design's example bead and returns the body exactly as written", () => {
    const body = "Free markdown written by a person.\n\n## Result\n…written by the agent…\n";
    const text = beadText(
      [
        "title: Summarize the Ollama 0.12 release notes",
        "status: open              # open | claimed | done",
        "priority: 2               # 0 urgent … 4 someday",
        "type: research",
        "labels: [research]",
        "agent: romanov",
        "deps: [bb-7k3q]",
        "sensitivity: internal",
      ],
      body,
    );
    const parsed = parseBead(text, FILE);
    expect(parsed.fields).toMatchObject({ type: "research", labels: ["research"], agent: "romanov", deps: ["bb-7k3q"] });
    expect(parsed.body).toBe(body);
  });

  it("keeps unknown keys, never drops them", () => {
    const { fields } = parseBead(beadText(["title: t", "estimate: 3h", "links: {pr: 12}"]), FILE);
    expect(fields.estimate).toBe("3h");
    expect(fields.links).toEqual({ pr: 12 });
  });

  it("accepts the forgiving spellings a person writes", () => {
    const { fields } = parseBead(beadText(["title: 42", "priority: '1'", "labels: research", "deps: [7, bb-1]", "agent:", "created: 2024-01-02"]), FILE);
    expect(fields).toMatchObject({ title: "42", priority: 1, labels: ["research"], deps: ["7", "bb-1"], created: "2024-01-02" });
    expect(fields.agent).toBeUndefined();
  });

  it("understands CRLF files, a BOM, and `...` as the closing fence", () => {
    const crlf = parseBead("---\r\ntitle: Windows\r\npriority: 1\r\n---\r\nbody\r\n", FILE);
    expect(crlf.fields).toMatchObject({ title: "Windows", priority: 1 });
    expect(crlf.body).toBe("body\r\n");
    expect(parseBead("\uFEFF---\ntitle: bom\n---\n", FILE).fields.title).toBe("bom");
    expect(parseBead("---\ntitle: dots\n...\nafter\n", FILE).body).toBe("after\n");
  });

  it("allows a few harmless YAML aliases", () => {
    expect(parseBead(beadText(["title: &t shared", "summary: *t"]), FILE).fields.summary).toBe("shared");
  });
});

describe("parseBead: invalid beads are ParseErrors naming file, line and a plain reason", () => {
  const cases: Array<[string, string, number, RegExp]> = [
    ["unknown status", beadText(["title: t", "status: doing"]), 3, /status must be one of open, claimed/],
    ["unknown type", beadText(["title: t", "", "type: feature"]), 4, /type must be one of task, bug/],
    ["priority out of range", beadText(["title: t", "priority: 7"]), 3, /priority must be from 0 \(urgent\) to 4/],
    ["priority as a word", beadText(["title: t", "priority: high"]), 3, /priority must be a number/],
    ["fractional priority", beadText(["title: t", "priority: 1.5"]), 3, /whole number/],
    ["unknown sensitivity", beadText(["title: t", "sensitivity: top"]), 3, /sensitivity must be one of public/],
    ["negative attempts", beadText(["title: t", "attempts: -1"]), 3, /attempts cannot be negative/],
    ["missing title", beadText(["status: open"]), 2, /title is missing/],
    ["blank title", beadText(['title: "  "']), 2, /title is empty/],
    ["a title that is not text", beadText(["title: [a, b]"]), 2, /title must be text/],
    ["unclosed flow list", beadText(["title: t", "labels: [a, b", "priority: 1"]), 3, /invalid YAML/],
    ["unclosed quote", beadText(["title: t", 'summary: "abc', "priority: 1"]), 3, /invalid YAML: Missing closing/],
    ["tab indentation", beadText(["title: t", "\tstatus: open"]), 3, /invalid YAML: Tabs/],
    ["duplicate key", beadText(["title: t", "status: open", "status: done"]), 4, /duplicate key "status"/],
    ["a list instead of fields", beadText(["- a", "- b"]), 2, /must be a set of `key: value` lines/],
    ["a bare sentence", beadText(["just some text"]), 2, /must be a set of `key: value` lines/],
    ["no front-matter", "title: t\n", 1, /no front-matter/],
    ["an empty file", "", 1, /no front-matter/],
    ["a front-matter block never closed", "---\ntitle: t\nstatus: open\n\nBody text\n", 1, /never closed/],
    ["only an opening fence", "---", 1, /never closed/],
    ["an undefined alias", beadText(["title: t", "other: *nope"]), 3, /invalid YAML: Unresolved alias/],
  ];

  it.each(cases)("%s", (_name, text, line, reason) => {
    const error = parseError(text);
    expect(error.file).toBe(FILE);
    expect(error.line).toBe(line);
    expect(error.reason).toMatch(reason);
    expect(error.message.startsWith(`${FILE}:${line}: `)).toBe(true);
    expect(error.code).toBe("E_PARSE");
  });

  it("reports the line of a CRLF file correctly", () => {
    expect(parseError("---\r\ntitle: t\r\n\r\nstatus: nope\r\n---\r\n").line).toBe(4);
  });

  it("defuses a billion-laughs alias bomb quickly, as a ParseError", () => {
    const levels = ["title: bomb", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const error = parseError(beadText(levels));
    expect(error.reason).toMatch(/invalid YAML: .*alias/i);
    expect(error.line).toBe(4);
    expect(error.fix).toMatch(/remove YAML aliases/);
  });
});

describe("decodeBeadBytes", () => {
  it("decodes UTF-8 and keeps a BOM, so an edit can write it back", () => {
    const text = decodeBeadBytes(Buffer.from("\uFEFF---\ntitle: é\n---\n"), FILE);
    expect(text.startsWith("\uFEFF")).toBe(true);
    expect(parseBead(text, FILE).fields.title).toBe("é");
  });

  it("refuses a 10 MB bead with its size, before parsing anything", () => {
    const big = Buffer.from(beadText(["title: big"], "x".repeat(10 * 1024 * 1024)));
    expect(big.byteLength).toBeGreaterThan(MAX_BEAD_BYTES);
    expect(() => decodeBeadBytes(big, FILE)).toThrow(ParseError);
    expect(() => decodeBeadBytes(big, FILE)).toThrow(/^beads\/x\.md:1: file is 10\.0 MB; a bead may be at most 1 MB/);
  });

  it("refuses binary content (NUL bytes) and text that is not UTF-8", () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    expect(() => decodeBeadBytes(png, FILE)).toThrow(/^beads\/x\.md:1: binary file in beads\//);
    const nulInMarkdown = Buffer.concat([Buffer.from("---\ntitle: t\n---\n"), Buffer.from([0, 1, 2])]);
    expect(() => decodeBeadBytes(nulInMarkdown, FILE)).toThrow(/binary file/);
    const latin1 = Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0x74, 0x3a, 0x20, 0xe9, 0x0a]);
    expect(() => decodeBeadBytes(latin1, FILE)).toThrow(/not valid UTF-8/);
  });
});
