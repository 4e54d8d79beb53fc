import { describe, expect, it } from "vitest";
import { ConflictError, InvalidArgumentError } from "../../src/errors.js";
import { applyCut, applySummary, datedSections, planCompaction } from "../../src/memory/index.js";

const PRE = "# Memory of codemonkey\n\nHand notes  with  odd   spacing.\n\n"; // 58 bytes
const S1 = "## 2026-01-01\n- one\n\n"; // 21
const S2 = "## 2026-01-15\n- two\n\n"; // 21
const S3 = "## 2026-02-01\n- three\n\n"; // 23
const S4 = "## 2026-03-01\n- four\n"; // 21
const FILE = PRE + S1 + S2 + S3 + S4; // 144

const dates = (plan: ReturnType<typeof planCompaction>): string[] | undefined => plan?.sections.map((s) => s.date);

describe("planCompaction", () => {
  it("does nothing at or under the cap", () => {
    expect(planCompaction(FILE, 144)).toBeUndefined();
    expect(planCompaction(FILE, 10_000)).toBeUndefined();
  });

  it("takes the oldest sections until the file is at most 75% of the cap", () => {
    // cap 140: target 105; without S1 the file is 123, without S1+S2 it is 102.
    expect(dates(planCompaction(FILE, 140))).toEqual(["2026-01-01", "2026-01-15"]);
    expect(dates(planCompaction(FILE, 136))).toEqual(["2026-01-01", "2026-01-15"]); // target 102, exactly
    expect(dates(planCompaction(FILE, 135))).toEqual(["2026-01-01", "2026-01-15", "2026-02-01"]); // target 101
    expect(planCompaction(FILE, 140)?.sections[0]?.text).toBe(S1);
  });

  it("never takes the newest section, even when the rest is not enough", () => {
    expect(dates(planCompaction(FILE, 20))).toEqual(["2026-01-01", "2026-01-15", "2026-02-01"]);
    expect(planCompaction(PRE + S4, 10)).toBeUndefined();
    expect(planCompaction("x".repeat(100), 10)).toBeUndefined();
  });

  it("counts bytes, not characters", () => {
    const text = `## 2026-01-01\n- ${"é".repeat(30)}\n\n${S4}`; // 98 bytes, 68 characters
    expect(dates(planCompaction(text, 90))).toEqual(["2026-01-01"]);
  });

  it("rejects a cap that is not a positive number", () => {
    expect(() => planCompaction(FILE, 0)).toThrow(InvalidArgumentError);
    expect(() => planCompaction(FILE, Number.NaN)).toThrow(InvalidArgumentError);
  });
});

describe("applySummary", () => {
  it("replaces the chosen sections and leaves every other byte alone", () => {
    const plan = planCompaction(FILE, 140);
    if (!plan) throw new Error("expected a plan");
    expect(applySummary(FILE, plan, "- one and two\n")).toBe(
      PRE + "## 2026-01-01..2026-01-15 (summary)\n- one and two\n\n" + S3 + S4,
    );
  });

  it("names a single day once and extends an earlier summary's range", () => {
    const { sections } = datedSections(FILE);
    expect(applySummary(FILE, { sections: sections.slice(0, 1) }, "\n\n  - one  \n\n")).toBe(
      PRE + "## 2026-01-01 (summary)\n  - one\n\n" + S2 + S3 + S4,
    );
    const summarised = "## 2025-10-01..2025-12-31 (summary)\n- old\n\n" + S1 + S4;
    const plan = planCompaction(summarised, 40);
    expect(applySummary(summarised, plan ?? { sections: [] }, "- all")).toBe(
      "## 2025-10-01..2026-01-01 (summary)\n- all\n\n" + S4,
    );
  });

  it("keeps undated text between the chosen sections", () => {
    const gap = "## Conventions\n- tabs\n\n";
    const text = PRE + S1 + gap + S2 + S3 + S4;
    const { sections } = datedSections(text);
    expect(applySummary(text, { sections: sections.slice(0, 2) }, "- sum")).toBe(
      PRE + "## 2026-01-01..2026-01-15 (summary)\n- sum\n\n" + gap + S3 + S4,
    );
  });

  it("keeps CRLF files CRLF and works at the end of a file without a newline", () => {
    const text = "# M\r\n\r\n## 2026-01-01\r\n- a\r\n\r\n## 2026-01-02\r\n- b";
    const { sections } = datedSections(text);
    expect(applySummary(text, { sections: sections.slice(0, 1) }, "- x\n- y")).toBe(
      "# M\r\n\r\n## 2026-01-01 (summary)\r\n- x\r\n- y\r\n\r\n## 2026-01-02\r\n- b",
    );
    expect(applySummary(text, { sections }, "- all")).toBe("# M\r\n\r\n## 2026-01-01..2026-01-02 (summary)\r\n- all\r\n");
  });

  it("escapes headings in the model's summary so they cannot start sections", () => {
    const { sections } = datedSections(FILE);
    const out = applySummary(FILE, { sections: sections.slice(0, 1) }, "- a\n\n## 2099-01-01\nTitle\n---\n# Top\n### fine");
    expect(out).toBe(PRE + "## 2026-01-01 (summary)\n- a\n\n\\## 2099-01-01\nTitle\n\\---\n\\# Top\n### fine\n\n" + S2 + S3 + S4);
    expect(datedSections(out).sections.map((s) => s.date)).toEqual(["2026-01-01", "2026-01-15", "2026-02-01", "2026-03-01"]);
  });

  it("quotes a summary that would swallow the sections after it", () => {
    const { sections } = datedSections(FILE);
    const out = applySummary(FILE, { sections: sections.slice(0, 1) }, "- a\n\n```\n## 2099-01-01");
    expect(out).toBe(PRE + "## 2026-01-01 (summary)\n> - a\n>\n> ```\n> ## 2099-01-01\n\n" + S2 + S3 + S4);
    expect(datedSections(out).sections).toHaveLength(4);
  });

  it("refuses a stale plan and an empty summary", () => {
    const plan = planCompaction(FILE, 140);
    if (!plan) throw new Error("expected a plan");
    expect(() => applySummary(FILE.replace("- one", "- uno"), plan, "- x")).toThrow(ConflictError);
    expect(() => applySummary(FILE, plan, " \n ")).toThrow(InvalidArgumentError);
    expect(() => applySummary(FILE, { sections: [] }, "- x")).toThrow(InvalidArgumentError);
  });
});

describe("applyCut", () => {
  it("cuts the chosen sections and leaves a marker naming them", () => {
    const plan = planCompaction(FILE, 140);
    if (!plan) throw new Error("expected a plan");
    expect(applyCut(FILE, plan, "2026-03-02")).toBe(
      PRE +
        "## 2026-01-01..2026-01-15 (cut)\n" +
        "> 2 older sections (2026-01-01..2026-01-15) were cut on 2026-03-02 to keep this file under 140 bytes; see git history.\n\n" +
        S3 +
        S4,
    );
  });

  it("folds an earlier marker into the next cut instead of piling markers up", () => {
    const first = applyCut(FILE, planCompaction(FILE, 140) ?? { sections: [] }, "2026-03-02");
    const plan = planCompaction(first, 100);
    expect(dates(plan)).toEqual(["2026-01-01", "2026-02-01"]);
    expect(applyCut(first, plan ?? { sections: [] }, "2026-03-05")).toBe(
      PRE +
        "## 2026-01-01..2026-02-01 (cut)\n" +
        "> 3 older sections (2026-01-01..2026-02-01) were cut on 2026-03-05 to keep this file under 100 bytes; see git history.\n\n" +
        S4,
    );
  });

  it("does not plan to cut a lone earlier marker again", () => {
    const marker = "## 2026-01-01 (cut)\n> 1 older section (2026-01-01) was cut on 2026-01-05 to keep this file small; see git history.\n\n";
    expect(applyCut(PRE + S1 + S4, { sections: datedSections(PRE + S1 + S4).sections.slice(0, 1) }, "2026-01-05")).toBe(
      PRE + marker + S4,
    );
    expect(planCompaction(PRE + marker + S4, 50)).toBeUndefined();
  });

  it("refuses a bad date", () => {
    const plan = planCompaction(FILE, 140);
    expect(() => applyCut(FILE, plan ?? { sections: [] }, "March 2")).toThrow(InvalidArgumentError);
  });
});
