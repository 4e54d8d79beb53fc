import { describe, expect, it } from "vitest";
import { datedSections } from "../../src/memory/index.js";

describe("datedSections", () => {
  it("splits preamble and dated sections by offsets", () => {
    const text = "# Memory of codemonkey\n\nHand-written intro.\n\n## 2026-11-20\n- a\n\n## 2026-11-22 (summary)\n- b\n";
    const { preamble, sections } = datedSections(text);
    expect(text.slice(preamble.start, preamble.end)).toBe("# Memory of codemonkey\n\nHand-written intro.\n\n");
    expect(sections.map((s) => s.date)).toEqual(["2026-11-20", "2026-11-22"]);
    expect(sections.map((s) => s.text)).toEqual(["## 2026-11-20\n- a\n\n", "## 2026-11-22 (summary)\n- b\n"]);
    for (const s of sections) expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(sections[1]?.end).toBe(text.length);
  });

  it("ignores headings inside code fences, lists and quotes", () => {
    const text = "## 2026-11-20\n```md\n## 2026-11-21\n```\n- ## 2026-11-23\n> ## 2026-11-24\n";
    const { sections } = datedSections(text);
    expect(sections).toHaveLength(1);
    expect(sections[0]?.text).toBe(text);
  });

  it("has only a preamble when there is no dated heading", () => {
    const text = "# Conventions\n\n## Style\n- tabs\n";
    expect(datedSections(text)).toEqual({ preamble: { start: 0, end: text.length }, sections: [] });
    expect(datedSections("")).toEqual({ preamble: { start: 0, end: 0 }, sections: [] });
  });

  it("ends a section at an undated level-2 heading, which belongs to no section", () => {
    const text = "## 2026-11-20\n- a\n\n## Conventions\n- keep\n\n## 2026-11-21\n- b\n";
    const { sections } = datedSections(text);
    expect(sections.map((s) => s.text)).toEqual(["## 2026-11-20\n- a\n\n", "## 2026-11-21\n- b\n"]);
  });

  it("keeps level-3 headings inside the section and ignores dates at other levels", () => {
    const text = "### 2026-01-01\n\n## 2026-11-20\n### details\n- a\n# 2026-11-21\n";
    const { preamble, sections } = datedSections(text);
    expect(preamble.end).toBe(16);
    expect(sections.map((s) => s.text)).toEqual(["## 2026-11-20\n### details\n- a\n"]);
  });

  it("handles CRLF, setext headings, indented headings and a byte-order mark", () => {
    const crlf = "intro\r\n\r\n## 2026-11-20\r\n- a\r\n";
    expect(datedSections(crlf).sections[0]?.text).toBe("## 2026-11-20\r\n- a\r\n");
    const setext = "2026-11-20\n----------\n- a\n";
    expect(datedSections(setext).sections[0]?.text).toBe(setext);
    const indented = "x\n\n  ## 2026-11-20\n- a\n";
    expect(datedSections(indented).sections[0]?.start).toBe(3);
    const bom = "\uFEFF# T\n\n## 2026-11-20\n- a\n";
    expect(datedSections(bom).sections[0]?.text).toBe("## 2026-11-20\n- a\n");
  });

  it("reads the first date of a range heading", () => {
    const text = "## 2026-01-01..2026-02-01 (summary)\n- old\n";
    expect(datedSections(text).sections[0]?.date).toBe("2026-01-01");
    expect(datedSections("## 2026-01-011\n").sections).toEqual([]);
  });
});
