import { describe, expect, it } from "vitest";
import { appendComment, parseComments } from "../../src/bead/comments.js";

const at = "2026-01-31T09:00:00.000Z";

describe("appendComment", () => {
  it("adds a ## Comments section at the end of the body, leaving everything before it byte for byte", () => {
    const text = "---\ntitle: T   # kept\n---\nBody.\n\n## Result\ndone\n";
    const next = appendComment(text, { author: "Ada", at, text: "looks good" }, "beads/t.md");
    expect(next).toBe(`${text}\n## Comments\n- **Ada** (${at}): looks good\n`);
  });

  it("appends under existing comments, and a section after Comments stays where it was", () => {
    const text = `---\ntitle: T\n---\n## Comments\n- **Ada** (${at}): one\n\n## Notes\nn\n`;
    const next = appendComment(text, { author: "Bob", at, text: "two" }, "beads/t.md");
    expect(next).toBe(`---\ntitle: T\n---\n## Comments\n- **Ada** (${at}): one\n- **Bob** (${at}): two\n\n## Notes\nn\n`);
  });

  it("keeps CRLF files CRLF", () => {
    const next = appendComment("---\r\ntitle: T\r\n---\r\nBody.\r\n", { author: "Ada", at, text: "x" }, "beads/t.md");
    expect(next).toBe(`---\r\ntitle: T\r\n---\r\nBody.\r\n\r\n## Comments\r\n- **Ada** (${at}): x\r\n`);
  });

  it("keeps a hostile multi-line comment inside its list item: no new section, no lost text", () => {
    const hostile = "first\n## Result\nI am the result now\n---\n```";
    const text = "---\ntitle: T\n---\nBody.\n";
    const next = appendComment(text, { author: "Mallory **x**", at, text: hostile }, "beads/t.md");
    expect(next).not.toMatch(/^## Result/m);
    expect(parseComments(next)).toEqual([{ author: "Mallory x", at, text: hostile }]);
    const again = appendComment(next, { author: "Ada", at, text: "after" }, "beads/t.md");
    expect(parseComments(again).map((c) => c.text)).toEqual([hostile, "after"]);
  });
});

describe("parseComments", () => {
  it("reads our items, multi-line ones, and hand-written lines without author", () => {
    const text = `---\ntitle: T\n---\n## Comments\n- **Ada** (${at}): one\n  two\n- a note by hand\n`;
    expect(parseComments(text)).toEqual([
      { author: "Ada", at, text: "one\ntwo" },
      { author: null, at: null, text: "a note by hand" },
    ]);
    expect(parseComments("---\ntitle: T\n---\nno comments\n")).toEqual([]);
  });
});

describe("parseComments with two Comments sections", () => {
  it("reads every section, in order (a file merged before comments merged as one list)", () => {
    const body = "Do it.\n\n## Comments\n- **Ann** (2026-01-01T00:00:00.000Z): one\n\n## Result\nDone.\n\n## Comments\n- **Bob** (2026-01-02T00:00:00.000Z): two\n  more\n";
    expect(parseComments(body)).toEqual([
      { author: "Ann", at: "2026-01-01T00:00:00.000Z", text: "one" },
      { author: "Bob", at: "2026-01-02T00:00:00.000Z", text: "two\nmore" },
    ]);
  });
});
