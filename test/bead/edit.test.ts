import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { getSection, setFields, setSection } from "../../src/bead/edit.js";
import { splitFrontMatter } from "../../src/bead/frontmatter.js";
import { ParseError } from "../../src/errors.js";

/** An edit and the one snippet of the input it must turn into another: everything else stays. */
interface Edit {
  changes: Record<string, unknown>;
  from: string;
  to: string;
}
interface Entry {
  name: string;
  text: string;
  edits: Edit[];
}

const BOM = "\uFEFF";
const lines = (...ls: string[]): string => ls.join("\n");
const toCrlf = (s: string): string => s.replace(/\r?\n/g, "\r\n");
const e = (changes: Record<string, unknown>, from: string, to: string): Edit => ({ changes, from, to });
const crlfTwin = (entry: Entry): Entry => ({
  name: `${entry.name} (CRLF)`,
  text: toCrlf(entry.text),
  edits: entry.edits.map((x) => e(x.changes, toCrlf(x.from), toCrlf(x.to))),
});

const designFront = [
  "title: Summarize the Ollama 0.12 release notes",
  "status: open              # open | claimed | done | failed | blocked | cancelled",
  "priority: 2               # 0 urgent … 4 someday",
  "labels: [research]",
  "deps: [bb-7k3q]           # beads that must be done first",
];
const design = lines("---", ...designFront, "---", "Free markdown written by a person.", "", "## Result", "…written by the agent…", "");
const statusComment = (designFront[1] ?? "").slice("status: open".length);
const designEdits = [
  e({ status: "claimed" }, "status: open ", "status: claimed "),
  e({ labels: ["research", "ops"] }, "labels: [research]", "labels: [research, ops]"),
  e({ deps: undefined }, `${designFront[4]}\n`, ""),
  e({ priority: 0, status: "done" }, `open${statusComment}\npriority: 2`, `done${statusComment}\npriority: 0`),
];
const commented = lines(
  ...["---", "# Hand-written; keep this header.", "title: Comments everywhere # trailing", "  # an indented comment line"],
  ...["status: open   # note", "# between keys", "agent:        # optional: the router decides", "priority: 3"],
  ...["# last comment before the fence", "---", "Body.", ""],
);
const lists = lines(
  ...["---", "title: Lists", "labels: [ a, 'b c' ]  # flow, padded", "deps:", "  - bb-1", "  - bb-2   # second", "status: open"],
  ...["---", ""],
);
const zeroIndentList = lines("---", "title: zero indent", "deps:", "- x", "- y", "type: bug", "---", "text", "");
const quoted = lines("---", "title: 'It''s single'", 'agent: "double"', "status: 'open'", 'sensitivity: "internal"  # kept quoted', "---", "");
const spacing = lines(
  ...["---", "title:    Aligned   ", "status:open_is_a_plain_scalar: no", "type:\ttask", "", "priority:   1    ", ""],
  ...["---", "Body   ", ""],
);
const unicode = lines("---", "title: Ünïcödé — 日本語 🚀", "status: open", "---", "Café ☕", "");
const fenced = lines("---", "title: Fenced", "status: done", "---", "How to write one:", "", "```markdown", "## Result", "not real", "```", "");
const noTrailingNewline = "---\ntitle: No newline\nstatus: open\n---\nLast line without EOL";
const dotsFence = lines("---", "title: Dots close", "status: open", "...", "Body after dots.", "");
const emptyBody = lines("---", "title: Empty body", "status: open", "---", "");
const fenceAtEof = "---\ntitle: Fence is the last line\n---";
const unknownNested = lines(
  ...["---", "title: Unknown keys", "x-custom: { keep: me }", "tokens:", "  in: 1200", "  out: 300", "reviewers: [ann, bob]"],
  ...["status: open", "---", ""],
);
const blockScalar = lines("---", "title: Block scalar", "notes: |", "  first line", "  second line   ", "", "status: open", "---", "");
const multiLinePlain = lines("---", "title: A title that a person", "  wrapped over two lines", "status: open", "---", "");
const indentedMap = lines("---", "  title: Indented map", "  status: open", "---", "");
const below = lines("---", "title:", "  A title on its own line", "deps:   # blockers", "  - bb-1", "status: open", "---", "");
const tagged = lines("---", "title: Tagged", "priority: !!int 2", "attempts: &n 1", "---", "");

const corpus: Entry[] = [
  { name: "design example", text: design, edits: designEdits },
  crlfTwin({ name: "design example", text: design, edits: designEdits }),
  { name: "BOM", text: BOM + design, edits: designEdits },
  crlfTwin({ name: "BOM", text: BOM + design, edits: designEdits }),
  {
    name: "comments everywhere",
    text: commented,
    edits: [
      e({ status: "done" }, "status: open   # note", "status: done   # note"),
      e({ agent: "romanov" }, "agent:        #", "agent: romanov        #"),
      e({ agent: undefined }, "agent:        # optional: the router decides\n", ""),
      e({ title: "New: title" }, "title: Comments everywhere #", 'title: "New: title" #'),
    ],
  },
  {
    name: "flow and block lists",
    text: lists,
    edits: [
      e({ deps: ["bb-3"] }, "  - bb-1\n  - bb-2   # second", "  - bb-3"),
      e({ deps: ["a", "b, c", { x: 1 }] }, "  - bb-1\n  - bb-2   # second", '  - a\n  - b, c\n  - { x: 1 }'),
      e({ deps: [] }, "deps:\n  - bb-1\n  - bb-2   # second", "deps: []"),
      e({ deps: undefined }, "deps:\n  - bb-1\n  - bb-2   # second\n", ""),
      e({ labels: ["x"] }, "[ a, 'b c' ]  #", "[x]  #"),
    ],
  },
  crlfTwin({ name: "flow and block lists", text: lists, edits: [e({ deps: ["p", "q"] }, "  - bb-1\n  - bb-2   # second", "  - p\n  - q")] }),
  {
    name: "block list at zero indent",
    text: zeroIndentList,
    edits: [e({ deps: ["z"] }, "- x\n- y", "- z"), e({ deps: "none" }, "deps:\n- x\n- y", "deps: none")],
  },
  {
    name: "quoted values",
    text: quoted,
    edits: [
      e({ status: "done" }, "status: 'open'", "status: 'done'"),
      e({ agent: "it's" }, 'agent: "double"', "agent: \"it's\""),
      e({ title: "Won't" }, "'It''s single'", "'Won''t'"),
      e({ sensitivity: 3 }, '"internal"  #', "3  #"),
    ],
  },
  {
    name: "spacing, blank lines, trailing spaces",
    text: spacing,
    edits: [e({ title: "Tight" }, "title:    Aligned   ", "title:    Tight   "), e({ priority: 2 }, "priority:   1    ", "priority:   2    ")],
  },
  { name: "unicode", text: unicode, edits: [e({ title: "Ça marche — ✓" }, "Ünïcödé — 日本語 🚀", "Ça marche — ✓")] },
  { name: "code fence with ## Result", text: fenced, edits: [e({ status: "open" }, "status: done", "status: open")] },
  { name: "no trailing newline", text: noTrailingNewline, edits: [e({ status: "claimed" }, "status: open", "status: claimed")] },
  { name: "... closing fence", text: dotsFence, edits: [e({ status: "done" }, "status: open", "status: done")] },
  { name: "empty body", text: emptyBody, edits: [e({ title: undefined }, "title: Empty body\n", "")] },
  { name: "fence at EOF", text: fenceAtEof, edits: [e({ title: "x" }, "title: Fence is the last line", "title: x")] },
  {
    name: "unknown keys and nested maps",
    text: unknownNested,
    edits: [
      e({ tokens: { in: 1, out: 2 } }, "tokens:\n  in: 1200\n  out: 300", "tokens: { in: 1, out: 2 }"),
      e({ "x-custom": undefined }, "x-custom: { keep: me }\n", ""),
      e({ reviewers: ["cy"] }, "[ann, bob]", "[cy]"),
    ],
  },
  {
    name: "block scalar",
    text: blockScalar,
    edits: [
      e({ notes: "short" }, "|\n  first line\n  second line   ", "short"),
      e({ notes: "two\nlines" }, "|\n  first line\n  second line   ", '"two\\nlines"'),
      e({ notes: undefined }, "notes: |\n  first line\n  second line   \n", ""),
    ],
  },
  {
    name: "multi-line plain scalar",
    text: multiLinePlain,
    edits: [e({ title: "One line" }, "A title that a person\n  wrapped over two lines", "One line")],
  },
  { name: "indented map", text: indentedMap, edits: [e({ status: "done" }, "  status: open", "  status: done")] },
  {
    name: "values below their key",
    text: below,
    edits: [
      e({ title: "Short" }, "title:\n  A title on its own line", "title: Short"),
      e({ deps: "none" }, "deps:   # blockers\n  - bb-1", "deps: none   # blockers"),
      e({ deps: ["x", "y"] }, "  - bb-1", "  - x\n  - y"),
      e({ deps: undefined }, "deps:   # blockers\n  - bb-1\n", ""),
    ],
  },
  crlfTwin({ name: "block scalar", text: blockScalar, edits: [e({ notes: "x" }, "|\n  first line\n  second line   ", "x")] }),
  { name: "tags and anchors", text: tagged, edits: [e({ priority: 1 }, "!!int 2", "1"), e({ attempts: 2 }, "&n 1", "2")] },
];

const label = (changes: Record<string, unknown>): string =>
  Object.entries(changes)
    .map(([k, v]) => (v === undefined ? `remove ${k}` : `${k}=${JSON.stringify(v)}`))
    .join(" ");

function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  expect(at, `snippet ${JSON.stringify(from)} must occur once`).toBeGreaterThanOrEqual(0);
  expect(text.indexOf(from, at + 1)).toBe(-1);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

function fields(text: string): Record<string, unknown> {
  return (parse(splitFrontMatter(text, "t.md").yaml) as Record<string, unknown> | null) ?? {};
}

function expectedFields(before: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const out = { ...before };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Line endings of the output must be the input's: no lone LF in a CRLF file and no CR in an LF one. */
function expectSameEol(input: string, output: string): void {
  if (input.includes("\r\n")) expect(output.replace(/\r\n/g, "")).not.toContain("\n");
  else expect(output).not.toContain("\r");
}

describe("setFields on a corpus of hand-written beads", () => {
  for (const entry of corpus) {
    describe(entry.name, () => {
      it.each(entry.edits.map((x) => [label(x.changes), x] as const))("%s changes only its bytes", (_label, edit) => {
        const out = setFields(entry.text, edit.changes, "t.md");
        expect(out).toBe(replaceOnce(entry.text, edit.from, edit.to));
        expect(fields(out)).toEqual(expectedFields(fields(entry.text), edit.changes));
        expectSameEol(entry.text, out);
      });

      it("appends new keys as the last front-matter lines, in the file's EOL", () => {
        const split = splitFrontMatter(entry.text, "t.md");
        const indent = /^( *)\S/m.exec(split.yaml)?.[1] ?? "";
        const eol = split.eol;
        const added = `${indent}claimed_by: codemonkey${eol}${indent}tokens: { in: 1, out: 2 }${eol}${indent}"odd key": [a, "b, c"]${eol}`;
        const changes = { claimed_by: "codemonkey", tokens: { in: 1, out: 2 }, "odd key": ["a", "b, c"] };
        const out = setFields(entry.text, changes, "t.md");
        const expected = entry.text.slice(0, split.yamlEnd) + added + entry.text.slice(split.yamlEnd);
        if (!("tokens" in fields(entry.text))) expect(out).toBe(expected);
        expect(fields(out)).toEqual(expectedFields(fields(entry.text), changes));
        expect(splitFrontMatter(out, "t.md").body).toBe(split.body);
        expectSameEol(entry.text, out);
      });

      it("is the identity for no change, removing an absent key, or setting every value it already has", () => {
        expect(setFields(entry.text, {}, "t.md")).toBe(entry.text);
        expect(setFields(entry.text, { never_there: undefined }, "t.md")).toBe(entry.text);
        expect(setFields(entry.text, fields(entry.text), "t.md")).toBe(entry.text);
      });

      it("setSection appends then replaces a Result section without touching anything else", () => {
        const split = splitFrontMatter(entry.text, "t.md");
        const once = setSection(entry.text, "Result", "Done.\nAll **good**.", "t.md");
        expect(once.startsWith(entry.text.slice(0, split.bodyStart))).toBe(true);
        expect(getSection(once, "result")).toBe("Done.\nAll **good**.");
        const twice = setSection(once, "Result", "Redone.", "t.md");
        expect(getSection(twice, "RESULT")).toBe("Redone.");
        expect(setSection(twice, "Result", "Redone.", "t.md")).toBe(twice);
        expect(fields(twice)).toEqual(fields(entry.text));
        expect(twice.startsWith(BOM)).toBe(entry.text.startsWith(BOM));
        expect(twice.endsWith(split.eol)).toBe(true);
        expectSameEol(entry.text, twice);
      });
    });
  }
});

describe("setFields failures", () => {
  const fails = (text: string, line: number, reason: RegExp): void => {
    let caught: unknown;
    try {
      setFields(text, { status: "done" }, "beads/x.md");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ParseError);
    expect((caught as ParseError).line).toBe(line);
    expect((caught as ParseError).reason).toMatch(reason);
  };
  it("reports an unclosed front-matter", () => fails("---\ntitle: x\nstatus: open\n", 1, /never closed/));
  it("reports bad YAML on the file's line", () => fails("---\ntitle: x\nlabels: [a, b\nstatus: open\n---\n", 3, /invalid YAML/));
  it("reports an unclosed quote or bracket on the line it opened", () => {
    fails('---\ntitle: x\nagent: "bob\n---\n', 3, /invalid YAML/);
    fails('---\ntitle: x\nagent: "bob\nstatus: open\n---\n', 3, /invalid YAML/);
    fails("---\ntitle: x\nlabels: {a: 1\nstatus: open\n---\n", 3, /invalid YAML/);
  });
  it("reports bad YAML after a BOM and CRLF", () => fails(`${BOM}---\r\ntitle: x\r\n\tstatus: open\r\n---\r\n`, 3, /invalid YAML/));
  it("reports a duplicate key on its second line", () => fails("---\ntitle: x\nstatus: open\n\nstatus: done\n---\n", 5, /duplicate key "status"/));
  it("refuses a front-matter that is not key: value lines", () => fails("---\n- a\n- b\n---\n", 2, /key: value/));
  it("never lets a raw yaml exception out", () => fails("---\ntitle: [\n---\n", 2, /invalid YAML/));
});

describe("setSection and getSection", () => {
  const head = "---\ntitle: x\n---\n";
  it("replaces a section between others, keeping text before and after", () => {
    const text = `${head}Intro.\n\n##   result  \nold\n\nold 2\n\n\n## Notes\nkeep\n`;
    expect(setSection(text, "Result", "new", "t.md")).toBe(`${head}Intro.\n\n##   result  \nnew\n\n## Notes\nkeep\n`);
  });
  it("keeps a blank line the person left under the heading, and ### subsections are part of the section", () => {
    const text = `${head}## Result\n\nold\n### Detail\nx\n# Top\n`;
    expect(setSection(text, "result", "\n\nnew\n\n", "t.md")).toBe(`${head}## Result\n\nnew\n\n# Top\n`);
  });
  it("appends with exactly one blank line before the heading", () => {
    expect(setSection(`${head}Body`, "Result", "r", "t.md")).toBe(`${head}Body\n\n## Result\nr\n`);
    expect(setSection(`${head}Body\n`, "Result", "r", "t.md")).toBe(`${head}Body\n\n## Result\nr\n`);
    expect(setSection(`${head}Body\n\n`, "Result", "r", "t.md")).toBe(`${head}Body\n\n## Result\nr\n`);
    expect(setSection(head, "Result", "r", "t.md")).toBe(`${head}## Result\nr\n`);
    expect(setSection("---\ntitle: x\n---", "Result", "r", "t.md")).toBe(`${head}## Result\nr\n`);
  });
  it("does not match a heading inside a code fence, a blockquote, or of another depth", () => {
    const text = `${head}\`\`\`\n## Result\n\`\`\`\n> ## Result\n\n# Result\n### Result\n`;
    expect(getSection(text, "Result")).toBeUndefined();
    const out = setSection(text, "Result", "real", "t.md");
    expect(out).toBe(`${text}\n## Result\nreal\n`);
    expect(getSection(out, "Result")).toBe("real");
  });
  it("closes a code fence left open at the end before appending", () => {
    const out = setSection(`${head}\`\`\`js\nlet a;\n`, "Result", "r", "t.md");
    expect(out).toBe(`${head}\`\`\`js\nlet a;\n\`\`\`\n\n## Result\nr\n`);
    expect(getSection(out, "Result")).toBe("r");
  });
  it("handles CRLF and a BOM, converting the content's line breaks", () => {
    const text = `${BOM}---\r\ntitle: x\r\n---\r\nBody\r\n\r\n## Result\r\nold\r\n\r\n## Next\r\nn\r\n`;
    const out = setSection(text, "Result", "a\nb", "t.md");
    expect(out).toBe(`${BOM}---\r\ntitle: x\r\n---\r\nBody\r\n\r\n## Result\r\na\r\nb\r\n\r\n## Next\r\nn\r\n`);
    expect(getSection(out, "Result")).toBe("a\nb");
    expect(setSection(`${BOM}---\r\ntitle: x\r\n---\r\nBody`, "Result", "a\nb", "t.md")).toBe(
      `${BOM}---\r\ntitle: x\r\n---\r\nBody\r\n\r\n## Result\r\na\r\nb\r\n`,
    );
  });
  it("ends the file with an EOL when the section was last and unterminated", () => {
    expect(setSection(`${head}## Result\nold`, "Result", "new", "t.md")).toBe(`${head}## Result\nnew\n`);
    expect(setSection(`${head}## Result`, "Result", "new", "t.md")).toBe(`${head}## Result\nnew\n`);
  });
  it("treats text without front-matter as all body, but refuses an unclosed front-matter", () => {
    expect(setSection("# Memory\n", "Notes", "n", "MEMORY.md")).toBe("# Memory\n\n## Notes\nn\n");
    expect(() => setSection("---\ntitle: x\n", "Result", "r", "t.md")).toThrow(ParseError);
    expect(getSection("## Result\nok\n", "result")).toBe("ok");
  });
});
