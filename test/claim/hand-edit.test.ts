/**
 * A person edits a bead by hand while an agent holds it. Write-back must keep every byte of the
 * person's edit outside the fields the agent owns and its `## Result` section; and an agent whose
 * claim was lost must never complete the bead (its result is kept as a visible late section).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { boardPaths } from "../../src/board/paths.js";
import { writeContext, type WriteContext } from "../../src/board/write.js";
import { claimBead } from "../../src/claim/claim.js";
import { expireLeases } from "../../src/claim/expire.js";
import { writeBack, type WorkResult } from "../../src/claim/write-back.js";
import { cleanupTempBoards, gitEnv, makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { history, repoHealth } from "./support.js";

const HOST = "test";
const OWNED_FIELDS = ["status", "lease_until", "updated", "model", "tokens", "duration_ms"];
const WORK: WorkResult = { outcome: "done", result: "The notes say three things.\n\n- one\n- two\n", stats: { model: "qwen3:8b", tokensIn: 10, tokensOut: 20, durationMs: 1234 } };

afterEach(cleanupTempBoards);

async function boardWith(text: string, eol = "\n"): Promise<{ board: TempBoard; ctx: WriteContext; file: string }> {
  const board = await makeTempBoard({ "beads/hb.md": text.replace(/\n/g, eol), "notes.txt": "unrelated\n" });
  return { board, ctx: writeContext(boardPaths(board.dir), gitEnv()), file: join(board.dir, "beads/hb.md") };
}

/** The text without the agent-owned front-matter lines (and their continuation lines) and `## <heading>` sections. */
function outsideOwned(text: string, headings: RegExp = /^## (Result|Late result from .*)\r?\n?$/): string {
  const out: string[] = [];
  let fences = 0;
  let skippingField = false;
  let skippingSection = false;
  for (const line of text.split(/(?<=\n)/)) {
    const fence = /^---\r?\n$/.test(line);
    if (fences < 2 && fence) fences++;
    if (fences === 1 && !fence) {
      if (skippingField && /^[ \t]/.test(line)) continue;
      skippingField = OWNED_FIELDS.some((key) => line.startsWith(`${key}:`));
      if (skippingField) continue;
    } else if (fences === 2 && !fence) {
      if (line.startsWith("## ")) skippingSection = headings.test(line);
      if (skippingSection) continue;
    }
    out.push(line);
  }
  // A section appended at the end brings one blank line to separate it; that is not the person's.
  return out.join("").replace(/(\r?\n)\r?\n$/, "$1");
}

function field(text: string, key: string): string | undefined {
  return new RegExp(`^${key}: (.*?)\\r?$`, "m").exec(text)?.[1];
}

describe("write-back after a person edited the claimed bead by hand", () => {
  const ORIGINAL = [
    "---",
    "title: Summarize the release notes   # keep it short",
    "status: open",
    "priority: 2",
    "labels: [research]",
    "---",
    "Original body, as the person wrote it.",
    "",
  ].join("\n");

  function personEdit(text: string, eol: string): string {
    const edited = text
      .replace("# keep it short", "# a person's comment: keep it VERY short")
      .replace(`priority: 2${eol}`, `priority: 2${eol}reviewer: 'Ada Lovelace'   # an unknown key, by hand${eol}`)
      .replace(`Original body, as the person wrote it.${eol}`, `Intro *added above*, by hand.${eol}${eol}Original body, as the person wrote it.${eol}${eol}PS:   a footnote below, odd  spacing kept.${eol}`);
    expect(edited).not.toBe(text);
    return edited;
  }

  for (const [name, eol] of [["LF", "\n"], ["CRLF", "\r\n"]] as const) {
    it(`keeps the person's edit byte for byte outside the owned fields and ## Result (${name})`, async () => {
      const { board, ctx, file } = await boardWith(ORIGINAL, eol);
      await claimBead(ctx, "hb", { agent: "romanov", leaseMs: 60_000, host: HOST });
      const edited = personEdit(readFileSync(file, "utf8"), eol);
      writeFileSync(file, edited); // saved in an editor, not committed

      expect(await writeBack(ctx, "hb", "romanov", WORK, HOST)).toMatchObject({ kind: "written" });
      const final = readFileSync(file, "utf8");
      expect(outsideOwned(edited)).toMatch(/VERY short\r?\npriority: 2\r?\nreviewer: 'Ada Lovelace'[^]*claimed_by: romanov@test[^]*Intro \*added above\*[^]*PS: {3}a footnote/);
      expect(outsideOwned(final)).toBe(outsideOwned(edited));
      expect(final.startsWith(edited.slice(0, edited.indexOf("status:")))).toBe(true);
      expect(field(final, "status")).toBe("done");
      expect(field(final, "lease_until")).toBeUndefined();
      expect(field(final, "model")).toBe("qwen3:8b");
      expect(field(final, "duration_ms")).toBe("1234");
      expect(field(final, "claimed_by")).toBe(`romanov@${HOST}`);
      expect(final).toContain(`## Result${eol}The notes say three things.${eol}${eol}- one${eol}- two${eol}`);
      expect(final.includes("\r\n")).toBe(eol === "\r\n");
      // What was written is what was committed: the person's edit is in history, not only on disk.
      expect(board.git(["show", "HEAD:beads/hb.md"])).toBe(final);
      expect(await repoHealth(board.dir)).toEqual({ fsck: "", status: "" });
    });
  }

  it("keeps a hand edit the person committed with git, and replaces a Result section in the middle in place", async () => {
    const { board, ctx, file } = await boardWith(`${ORIGINAL}\n## Result\n(placeholder)\n\n## Notes for later\nKeep this.\n`);
    await claimBead(ctx, "hb", { agent: "romanov", leaseMs: 60_000, host: HOST });
    const edited = personEdit(readFileSync(file, "utf8"), "\n").replace("Keep this.\n", "Keep this.\nAnd this line, added by hand.\n");
    writeFileSync(file, edited);
    board.git(["commit", "-q", "-m", "person: edit hb by hand", "beads/hb.md"]);

    expect(await writeBack(ctx, "hb", "romanov", WORK, HOST)).toMatchObject({ kind: "written" });
    const final = readFileSync(file, "utf8");
    expect(outsideOwned(final)).toBe(outsideOwned(edited));
    expect(final).toContain("## Result\nThe notes say three things.\n\n- one\n- two\n\n## Notes for later\nKeep this.\nAnd this line, added by hand.\n");
    expect(final).not.toContain("(placeholder)");
    expect((await history(board.dir)).map((c) => c.subject)).toEqual(["initial board", "claim hb by romanov", "person: edit hb by hand", "done hb"]);
    expect(await repoHealth(board.dir)).toEqual({ fsck: "", status: "" });
  });
});

describe("write-back after the claim was lost", () => {
  const BEAD = "---\ntitle: A bead two agents end up working on\nstatus: open\n---\nDo it.\n";
  const longAgo = (): number => Date.now() - 10 * 60_000;

  it("returns late, leaves status alone, keeps the result visibly, and the bead is completed once", async () => {
    const { board, ctx, file } = await boardWith(BEAD);
    // a1's lease ran out long ago; a2 took the bead over.
    await claimBead(ctx, "hb", { agent: "a1", leaseMs: 60_000, host: HOST, now: longAgo });
    await claimBead(ctx, "hb", { agent: "a2", leaseMs: 60_000, host: HOST });
    const takenOver = readFileSync(file, "utf8");
    expect(field(takenOver, "claimed_by")).toBe(`a2@${HOST}`);
    expect(field(takenOver, "attempts")).toBe("1");

    const late = await writeBack(ctx, "hb", "a1", { ...WORK, result: "a1 finished anyway.\n" }, HOST);
    expect(late.kind).toBe("late");
    expect(late.commit).not.toBeNull();
    const afterLate = readFileSync(file, "utf8");
    expect(field(afterLate, "status")).toBe("claimed");
    expect(field(afterLate, "claimed_by")).toBe(`a2@${HOST}`);
    expect(field(afterLate, "lease_until")).toBe(field(takenOver, "lease_until"));
    expect(field(afterLate, "model")).toBeUndefined();
    expect(afterLate).toMatch(/^## Late result from a1 \(.+\)\na1 finished anyway\.\n$/m);
    expect(afterLate).not.toContain("## Result");
    // Only the late section was added: the rest is exactly as a2's claim left it.
    expect(outsideOwned(afterLate)).toBe(outsideOwned(takenOver));
    expect(afterLate.startsWith(takenOver)).toBe(true);

    // The holder completes it; a1 retrying its write-back still cannot complete it a second time.
    expect(await writeBack(ctx, "hb", "a2", { ...WORK, result: "a2's result.\n" }, HOST)).toMatchObject({ kind: "written" });
    expect(await writeBack(ctx, "hb", "a1", { ...WORK, outcome: "failed", result: "a1 again.\n" }, HOST)).toMatchObject({ kind: "late" });
    const final = readFileSync(file, "utf8");
    expect(field(final, "status")).toBe("done");
    expect(field(final, "claimed_by")).toBe(`a2@${HOST}`);
    expect(final).toContain("## Result\na2's result.\n");
    expect(final).toContain("a1 finished anyway.\n");
    expect(final).toContain("a1 again.\n");

    const commits = await history(board.dir);
    expect(commits.map((c) => c.subject)).toEqual([
      "initial board",
      "claim hb by a1",
      "claim hb by a2",
      "late result hb by a1 (claim lost)",
      "done hb",
      "late result hb by a1 (claim lost)",
    ]);
    // Completed exactly once: one commit sets a terminal status, and no late commit touches status.
    expect(commits.filter((c) => c.added.some((line) => /^status: (done|failed)$/.test(line))).map((c) => c.subject)).toEqual(["done hb"]);
    for (const commit of commits.filter((c) => c.subject.startsWith("late result"))) {
      expect(commit.removed).toEqual([]);
      expect(commit.added.some((line) => /^(status|claimed_by|lease_until|attempts):/.test(line))).toBe(false);
    }
    expect(await repoHealth(board.dir)).toEqual({ fsck: "", status: "" });
  });

  it("returns late when the expiry sweep reopened the bead, and leaves it open for the next agent", async () => {
    const { ctx, file } = await boardWith(BEAD);
    await claimBead(ctx, "hb", { agent: "a1", leaseMs: 60_000, host: HOST, now: longAgo });
    expect(await expireLeases(ctx, { maxAttempts: 3 })).toMatchObject([{ id: "hb", status: "open", attempts: 1 }]);
    expect(await writeBack(ctx, "hb", "a1", WORK, HOST)).toMatchObject({ kind: "late" });
    const text = readFileSync(file, "utf8");
    expect(field(text, "status")).toBe("open");
    expect(field(text, "attempts")).toBe("1");
    expect(text).toMatch(/^## Late result from a1 /m);
    await expect(claimBead(ctx, "hb", { agent: "a3", leaseMs: 60_000, host: HOST })).resolves.toMatchObject({ holder: `a3@${HOST}` });
  });
});
