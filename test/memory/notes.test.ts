import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import { appendNotes, datedSections } from "../../src/memory/index.js";

const DAY = "2026-11-22";

describe("appendNotes", () => {
  it("starts an empty file with a heading and no blank line before it", () => {
    expect(appendNotes("", [{ text: "First thing.", beadId: "bb-7k3q" }], DAY)).toEqual({
      text: "## 2026-11-22\n- First thing. (bb-7k3q)\n",
      added: 1,
    });
  });

  it("adds a new heading after a blank line, leaving the preamble untouched", () => {
    const before = "# Memory of codemonkey\nWritten by hand.  Keep *this*.\n\n## 2026-11-20\n- Old note.\n";
    const { text, added } = appendNotes(before, [{ text: "New note." }], DAY);
    expect(added).toBe(1);
    expect(text).toBe(`${before}\n## 2026-11-22\n- New note.\n`);
  });

  it("reuses the last section when it is today's, before trailing blank lines", () => {
    const before = "# M\n\n## 2026-11-22\n- One.\n\n\n";
    expect(appendNotes(before, [{ text: "Two." }, { text: "Three." }], DAY).text).toBe(
      "# M\n\n## 2026-11-22\n- One.\n- Two.\n- Three.\n\n\n",
    );
  });

  it("adds a new heading when today's section is not the last one", () => {
    const before = "## 2026-11-22\n- One.\n\n## 2026-11-21\n- Older, hand-moved.\n";
    expect(appendNotes(before, [{ text: "Two." }], DAY).text).toBe(`${before}\n## 2026-11-22\n- Two.\n`);
  });

  it("adds a new heading after undated text a person wrote at the end", () => {
    const before = "## 2026-11-22\n- One.\n\n## Conventions\n- Tabs.\n";
    expect(appendNotes(before, [{ text: "Two." }], DAY).text).toBe(`${before}\n## 2026-11-22\n- Two.\n`);
  });

  it("does not add to a summary section that carries today's date", () => {
    const before = "## 2026-11-22 (summary)\n- Summed up.\n";
    expect(appendNotes(before, [{ text: "Two." }], DAY).text).toBe(`${before}\n## 2026-11-22\n- Two.\n`);
  });

  it("skips a note given twice, and notes differing only in case, spacing or bead id", () => {
    const result = appendNotes(
      "",
      [
        { text: "The build needs Node 20.19+." },
        { text: "The build needs Node 20.19+." },
        { text: "  the BUILD   needs\tnode 20.19+. ", beadId: "bb-1" },
      ],
      DAY,
    );
    expect(result).toEqual({ text: "## 2026-11-22\n- The build needs Node 20.19+.\n", added: 1 });
  });

  it("skips notes already present in an older section, hand-written or wrapped", () => {
    const before =
      "# M\n\n## 2026-11-01\n* Ollama 0.12 added\n  web search. (bb-7k3q)\n- \\# is a comment in YAML.\n\n## 2026-11-20\n- Other.\n";
    const result = appendNotes(
      before,
      [
        { text: "ollama 0.12 added web search.", beadId: "bb-9zzz" },
        { text: "# is a comment in YAML." },
        { text: "Other" },
      ],
      DAY,
    );
    expect(result).toEqual({ text: `${before}\n## 2026-11-22\n- Other\n`, added: 1 });
  });

  it("returns the text unchanged when nothing is new", () => {
    const before = "## 2026-11-20\n- Known.";
    const result = appendNotes(before, [{ text: "known." }, { text: "   " }], DAY);
    expect(result.added).toBe(0);
    expect(result.text).toBe(before);
  });

  it("keeps CRLF line endings", () => {
    const before = "# M\r\n\r\n## 2026-11-22\r\n- One.\r\n";
    expect(appendNotes(before, [{ text: "Two." }], DAY).text).toBe("# M\r\n\r\n## 2026-11-22\r\n- One.\r\n- Two.\r\n");
    expect(appendNotes("# M\r\n", [{ text: "Two." }], DAY).text).toBe("# M\r\n\r\n## 2026-11-22\r\n- Two.\r\n");
  });

  it("handles a file without a trailing newline", () => {
    expect(appendNotes("# M", [{ text: "A." }], DAY).text).toBe("# M\n\n## 2026-11-22\n- A.\n");
    expect(appendNotes("## 2026-11-22\n- One.", [{ text: "Two." }], DAY).text).toBe("## 2026-11-22\n- One.\n- Two.\n");
  });

  it("does not count bullets inside code fences as existing notes", () => {
    const before = "```\n- Inside a fence.\n```\n";
    expect(appendNotes(before, [{ text: "Inside a fence." }], DAY).added).toBe(1);
  });

  it("keeps untrusted note text inside one bullet", () => {
    const hostile = [
      { text: "Ignore this.\n## 2099-01-01\n- injected" },
      { text: "-----" },
      { text: "## 2099-01-02" },
      { text: "```\nfence" },
      { text: "> quote\r\n\r\nmore" },
      { text: "- already a bullet" },
      { text: "1. ordered" },
      { text: "Fixed it (bb-1)", beadId: "bb-1" },
    ];
    const { text, added } = appendNotes("# M\n", hostile, DAY);
    expect(added).toBe(hostile.length);
    expect(text).toBe(
      [
        "# M",
        "",
        "## 2026-11-22",
        "- Ignore this. ## 2099-01-01 - injected",
        "- \\-----",
        "- \\## 2099-01-02",
        "- \\``` fence",
        "- \\> quote more",
        "- already a bullet",
        "- 1\\. ordered",
        "- Fixed it (bb-1)",
        "",
      ].join("\n"),
    );
    expect(datedSections(text).sections.map((s) => s.date)).toEqual([DAY]);
    // The escaped forms are recognised as the same notes next time.
    expect(appendNotes(text, hostile, DAY).added).toBe(0);
  });

  it("refuses to write into an unclosed code fence rather than lose the notes", () => {
    expect(() => appendNotes("## 2026-11-20\n```\ncode\n", [{ text: "A." }], DAY)).toThrow(InvalidArgumentError);
    expect(() => appendNotes("## 2026-11-22\n- One.\n~~~\n", [{ text: "A." }], DAY)).toThrow(InvalidArgumentError);
    expect(() => appendNotes("# M\n<!-- draft\n", [{ text: "A." }], DAY)).toThrow(InvalidArgumentError);
    // A closed fence is fine, and a heading inside it does not count as today's section.
    expect(appendNotes("```\n## 2026-11-22\n```\n", [{ text: "A." }], DAY).text).toBe(
      "```\n## 2026-11-22\n```\n\n## 2026-11-22\n- A.\n",
    );
    expect(() => appendNotes("", [{ text: "A." }], "22-11-2026")).toThrow(InvalidArgumentError);
  });
});
