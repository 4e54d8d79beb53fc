/**
 * `npm run bench` rewrites bench/RESULTS.md from its own run; the sections other benches wrote
 * (fleet, search, serve, embedded, models...) must survive it.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

type Report = { keepOtherSections(previous: string, generated: string): string };

describe("bench/RESULTS.md across npm run bench", () => {
  it("replaces the sections the run writes and keeps every other one, in order", async () => {
    const { keepOtherSections } = (await import(new URL("../../bench/report.js", import.meta.url).href)) as Report;
    const previous = "# Results\n\n## Machine\nold machine\n\n## Fleet\nfair\n\n## 1,000 beads\nold numbers\n\n## Search\nfast\n";
    const generated = "# Results\n\n## Machine\nnew machine\n\n## 1,000 beads\nnew numbers\n";
    const merged = keepOtherSections(previous, generated);
    expect(merged).toBe("# Results\n\n## Machine\nnew machine\n\n## 1,000 beads\nnew numbers\n\n## Fleet\nfair\n\n## Search\nfast\n");
    expect(keepOtherSections("", generated)).toBe(generated);
  });

  it("keeps the sections of the file as it is now", async () => {
    const { keepOtherSections } = (await import(new URL("../../bench/report.js", import.meta.url).href)) as Report;
    const now = readFileSync(new URL("../../bench/RESULTS.md", import.meta.url), "utf8");
    const merged = keepOtherSections(now, "# Results\n\n## Machine\nx\n");
    for (const heading of ["## Fleet, continued", "## Search (issue 17)", "## Model-aware scheduling"]) expect(merged).toContain(heading);
  });
});
