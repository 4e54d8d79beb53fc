import { describe, expect, it } from "vitest";
import { checklistItems, checklistProgress, openAcceptanceItems, setChecked } from "../../src/bead/checklist.js";

const BODY = [
  "Intro.",
  "- [ ] first",
  "* [x] second",
  "1. [X] third",
  "```",
  "- [ ] inside code: not an item",
  "```",
  "## Acceptance criteria",
  "- [ ] tests pass",
  "  - [x] nested counts too",
  "### Detail",
  "- [ ] still acceptance (deeper heading)",
  "## Notes",
  "- [ ] not acceptance",
  "- [] not an item either",
  "",
].join("\n");

describe("checklists", () => {
  it("counts task-list items outside code blocks, numbered in order", () => {
    const items = checklistItems(BODY);
    expect(items.map((item) => [item.n, item.checked, item.text, item.acceptance])).toEqual([
      [1, false, "first", false],
      [2, true, "second", false],
      [3, true, "third", false],
      [4, false, "tests pass", true],
      [5, true, "nested counts too", true],
      [6, false, "still acceptance (deeper heading)", true],
      [7, false, "not acceptance", false],
    ]);
    expect(checklistProgress(BODY)).toEqual({ done: 3, total: 7 });
    expect(openAcceptanceItems(BODY).map((item) => item.n)).toEqual([4, 6]);
  });

  it("ticks and clears one item by changing one character, CRLF kept", () => {
    const text = "---\r\ntitle: T\r\n---\r\n- [ ] a\r\n- [x] b\r\n";
    const bodyStart = text.indexOf("- [ ] a");
    expect(setChecked(text, bodyStart, 1, true)).toBe("---\r\ntitle: T\r\n---\r\n- [x] a\r\n- [x] b\r\n");
    expect(setChecked(text, bodyStart, 2, false)).toBe("---\r\ntitle: T\r\n---\r\n- [ ] a\r\n- [ ] b\r\n");
    expect(setChecked(text, bodyStart, 3, true)).toBeUndefined();
  });
});
