import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors.js";
import { fitToBudget } from "../../src/memory/index.js";
import { estimateTokens } from "../../src/model/tokens.js";

// estimateTokens is ceil(chars / 4); the lengths below are chosen around it.
const PRE = "# M\n\n"; // 5 chars
const A = "## 2026-11-01\n- aaaa\n\n"; // 22
const B = "## 2026-11-02\n- bbbb\n\n"; // 22
const C = "## 2026-11-03\n- cccc\n- dddd\n"; // 28
const FILE = PRE + A + B + C; // 77 chars, 20 tokens

describe("fitToBudget", () => {
  it("returns the text untouched when it fits", () => {
    expect(estimateTokens(FILE)).toBe(20);
    expect(fitToBudget(FILE, 20)).toEqual({ text: FILE, cutSections: [], truncated: false });
  });

  it("cuts the oldest sections first and reports them", () => {
    expect(fitToBudget(FILE, 19)).toEqual({ text: PRE + B + C, cutSections: ["2026-11-01"], truncated: false });
    expect(fitToBudget(FILE, 13)).toEqual({ text: PRE + C, cutSections: ["2026-11-01", "2026-11-02"], truncated: false });
  });

  it("goes by date, not file position, and keeps file order in the output", () => {
    const shuffled = PRE + C + A + B;
    expect(fitToBudget(shuffled, 14)).toEqual({ text: PRE + C + B, cutSections: ["2026-11-01"], truncated: false });
  });

  it("never drops a newer section to make room for an older, smaller one", () => {
    const big = "## 2026-11-04\n- " + "x".repeat(40) + "\n";
    const result = fitToBudget(PRE + A + big, 12);
    expect(result.cutSections).toEqual(["2026-11-01", "2026-11-04"]);
    expect(result.truncated).toBe(false);
    expect(result.text).toBe(PRE);
  });

  it("keeps the tail lines of the newest section when it does not fit whole", () => {
    expect(fitToBudget(FILE, 8)).toEqual({
      text: "# M\n\n## 2026-11-03\n- dddd\n",
      cutSections: ["2026-11-01", "2026-11-02"],
      truncated: true,
    });
  });

  it("keeps undated text a person wrote between sections", () => {
    const gap = "## Conventions\n- tabs\n\n";
    expect(fitToBudget(PRE + A + gap + C, 16)).toEqual({ text: PRE + gap + C, cutSections: ["2026-11-01"], truncated: false });
  });

  it("keeps only the head of the preamble when the preamble alone is over budget", () => {
    const pre = "# Rules\nline one\nline two\nline three\n\n";
    expect(fitToBudget(pre + A, 5)).toEqual({ text: "# Rules\nline one\n", cutSections: ["2026-11-01"], truncated: true });
    expect(fitToBudget("no sections at all, just a long paragraph", 0)).toEqual({ text: "", cutSections: [], truncated: true });
  });

  it("rejects a negative budget", () => {
    expect(() => fitToBudget(FILE, -1)).toThrow(InvalidArgumentError);
  });
});
