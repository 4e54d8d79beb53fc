import { describe, expect, it } from "vitest";
import { merge3, splitLines } from "../../src/git/diff3.js";
import { mergeBead, mergeFields, statusRank } from "../../src/git/merge-bead.js";
import { mergePath, pathKind, type FileVersion } from "../../src/git/merge-file.js";
import { parseBead } from "../../src/bead/parse.js";

const P = "beads/bb-1.md";

function bead(fields: string, body = "Do the thing.\n"): string {
  return `---\n${fields.trim()}\n---\n${body}`;
}

function merge(base: string | null, ours: string | null, theirs: string | null) {
  return mergeBead({ path: P, base, ours, theirs });
}

function fieldsOf(text: string | null) {
  if (text === null) throw new Error("deleted");
  return parseBead(text, P).fields;
}

describe("diff3 (line merge)", () => {
  it("splits lines keeping their line breaks", () => {
    expect(splitLines("a\nb\r\nc")).toEqual(["a\n", "b\r\n", "c"]);
    expect(splitLines("")).toEqual([]);
  });

  it("takes changes to different regions from both sides", () => {
    const base = "one\ntwo\nthree\nfour\nfive\n";
    const ours = "ONE\ntwo\nthree\nfour\nfive\n";
    const theirs = "one\ntwo\nthree\nfour\nFIVE\nsix\n";
    expect(merge3(base, ours, theirs)).toEqual({ text: "ONE\ntwo\nthree\nfour\nFIVE\nsix\n", conflicts: 0, insertions: 0 });
  });

  it("keeps both versions of a region both sides changed, ours first", () => {
    const r = merge3("a\nb\nc\n", "a\nB1\nc\n", "a\nB2\nc\n");
    expect(r).toEqual({ text: "a\nB1\nB2\nc\n", conflicts: 1, insertions: 0 });
  });

  it("takes an identical change once", () => {
    expect(merge3("a\nb\n", "a\nx\nb\n", "a\nx\nb\n").text).toBe("a\nx\nb\n");
    expect(merge3("a\nb\nc\n", "a\nX\nc\nd\n", "a\nX\nc\n")).toEqual({ text: "a\nX\nc\nd\n", conflicts: 0, insertions: 0 });
  });

  it("unions lines appended on both sides, each once", () => {
    const base = "# Memory\n- old\n";
    const r = merge3(base, `${base}- from a\n- shared\n`, `${base}- shared\n- from b\n`, "union");
    expect(r.text).toBe("# Memory\n- old\n- from a\n- shared\n- from b\n");
  });

  it("never glues two lines together when the last line has no line break", () => {
    expect(merge3("x", "x1", "x2").text).toBe("x1\nx2");
    expect(merge3("a\n", "a\nb", "a\nc").text).toBe("a\nb\nc");
  });

  it("handles a deletion against an untouched region and empty texts", () => {
    expect(merge3("a\nb\nc\n", "a\nc\n", "a\nb\nc\nd\n").text).toBe("a\nc\nd\n");
    expect(merge3("", "x\n", "y\n")).toEqual({ text: "x\ny\n", conflicts: 0, insertions: 1 });
    expect(merge3("a\n", "", "a\n").text).toBe("");
  });

  it("copes with large, very different inputs", () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}\n`).join("");
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}\n`).join("");
    const r = merge3("", a, b);
    expect(r.text).toBe(a + b);
  });
});

describe("status ranks", () => {
  it("orders done > failed > cancelled > blocked > claimed > open", () => {
    const order = ["open", "claimed", "blocked", "cancelled", "failed", "done"].map(statusRank);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(statusRank(undefined)).toBe(statusRank("open"));
  });
});

describe("mergeBead: one side changed", () => {
  const base = bead("title: T\nstatus: open");
  it("takes the side that changed, byte for byte", () => {
    const ours = bead("title: T   # a comment\nstatus: open");
    expect(merge(base, ours, base)).toEqual({ text: ours, notes: [] });
    expect(merge(base, base, ours)).toEqual({ text: ours, notes: [] });
    expect(merge(base, ours, ours).text).toBe(ours);
  });
});

describe("mergeBead: front-matter field by field", () => {
  it("keeps fields each side changed, splicing into ours so formatting survives", () => {
    const base = bead("title: T\n# keep me\npriority: 2\nstatus: open\nlabels: [a]");
    const ours = bead("title: 'T (person)'\n# keep me\npriority: 1\nstatus: open\nlabels: [a]");
    const theirs = bead("title: T\n# keep me\npriority: 2\nstatus: open\nlabels: [a]\nsensitivity: private");
    const r = merge(base, ours, theirs);
    expect(r.notes).toEqual([]);
    expect(r.text).toBe(bead("title: 'T (person)'\n# keep me\npriority: 1\nstatus: open\nlabels: [a]\nsensitivity: private"));
  });

  it("splices into theirs when only theirs touched the front-matter text", () => {
    const base = bead("title: T\nstatus: open", "Body.\n");
    const ours = bead("title: T\nstatus: open", "Body.\nMore from a person.\n");
    const theirs = bead("title: T  # renamed later\nstatus: done", "Body.\n");
    expect(merge(base, ours, theirs).text).toBe(bead("title: T  # renamed later\nstatus: done", "Body.\nMore from a person.\n"));
  });

  it("a terminal status beats claimed, with the winner's claim fields", () => {
    const base = bead("title: T\nstatus: claimed\nclaimed_by: a@h\nlease_until: 2030-01-01T00:00:00.000Z");
    const ours = bead("title: T\nstatus: claimed\nclaimed_by: a@h\nlease_until: 2030-01-01T00:15:00.000Z");
    const theirs = bead("title: T\nstatus: done\nclaimed_by: a@h");
    const r = merge(base, ours, theirs);
    const f = fieldsOf(r.text);
    expect(f.status).toBe("done");
    expect(f.lease_until).toBeUndefined();
    expect(r.notes.map((n) => n.kind)).toEqual(["status"]);
    // Symmetric: the terminal status wins from either side.
    expect(fieldsOf(merge(base, theirs, ours).text).status).toBe("done");
  });

  it("claimed beats open: a release raced by a takeover keeps the claim", () => {
    const base = bead("title: T\nstatus: claimed\nclaimed_by: old@h\nlease_until: 2000-01-01T00:00:00Z");
    const ours = bead("title: T\nstatus: open\nattempts: 1");
    const theirs = bead("title: T\nstatus: claimed\nclaimed_by: new@h\nlease_until: 2030-01-01T00:00:00Z\nattempts: 1");
    const f = fieldsOf(merge(base, ours, theirs).text);
    expect(f).toMatchObject({ status: "claimed", claimed_by: "new@h", lease_until: "2030-01-01T00:00:00Z", attempts: 1 });
    expect(fieldsOf(merge(base, theirs, ours).text)).toMatchObject({ status: "claimed", claimed_by: "new@h" });
  });

  it("blocked outranks claimed but not done", () => {
    const base = bead("title: T\nstatus: open");
    const claimed = bead("title: T\nstatus: claimed\nclaimed_by: a@h");
    const blocked = bead("title: T\nstatus: blocked");
    const done = bead("title: T\nstatus: done");
    expect(fieldsOf(merge(base, claimed, blocked).text).status).toBe("blocked");
    expect(fieldsOf(merge(base, claimed, blocked).text).claimed_by).toBeUndefined();
    expect(fieldsOf(merge(base, blocked, done).text).status).toBe("done");
  });

  it("two claims of an open bead: the remote's (already on the server) wins, from either side", () => {
    const base = bead("title: T\nstatus: open");
    const ours = bead("title: T\nstatus: claimed\nclaimed_by: us@h\nclaimed_at: 2030-01-01T00:00:01Z\nlease_until: 2030-01-01T00:15:01Z");
    const theirs = bead("title: T\nstatus: claimed\nclaimed_by: them@h\nclaimed_at: 2030-01-01T00:00:00Z\nlease_until: 2030-01-01T00:15:00Z");
    const r = merge(base, ours, theirs);
    expect(fieldsOf(r.text)).toMatchObject({ claimed_by: "them@h", claimed_at: "2030-01-01T00:00:00Z", lease_until: "2030-01-01T00:15:00Z" });
    expect(r.notes).toEqual([expect.objectContaining({ kind: "claim", field: "claimed_by" })]);
  });

  it("the same holder on both sides keeps the longer lease", () => {
    const base = bead("title: T\nstatus: claimed\nclaimed_by: a@h\nlease_until: 2030-01-01T00:00:00Z");
    const ours = bead("title: T\nstatus: claimed\nclaimed_by: a@h\nlease_until: 2030-01-01T00:30:00Z");
    const theirs = bead("title: T\nstatus: claimed\nclaimed_by: a@h\nlease_until: 2030-01-01T00:20:00Z");
    const r = merge(base, ours, theirs);
    expect(fieldsOf(r.text).lease_until).toBe("2030-01-01T00:30:00Z");
    expect(r.notes).toEqual([]);
  });

  it("updated takes the later time, attempts the larger number", () => {
    const base = bead("title: T\nupdated: 2030-01-01T00:00:00Z\nattempts: 1");
    const ours = bead("title: T\nupdated: 2030-01-02T00:00:00Z\nattempts: 3");
    const theirs = bead("title: T\nupdated: 2030-01-01T12:00:00Z\nattempts: 2");
    expect(fieldsOf(merge(base, ours, theirs).text)).toMatchObject({ updated: "2030-01-02T00:00:00Z", attempts: 3 });
    expect(fieldsOf(merge(base, theirs, ours).text)).toMatchObject({ updated: "2030-01-02T00:00:00Z", attempts: 3 });
  });

  it("labels and deps: additions from both sides, removals honoured", () => {
    const base = bead("title: T\nlabels: [a, b, c]\ndeps: [x]");
    const ours = bead("title: T\nlabels: [a, c, d]\ndeps: [x, y]");
    const theirs = bead("title: T\nlabels: [a, b, c, e]\ndeps: [z]");
    const f = fieldsOf(merge(base, ours, theirs).text);
    expect(f.labels).toEqual(["a", "c", "d", "e"]);
    expect(f.deps).toEqual(["y", "z"]);
  });

  it("other fields both changed: the remote's value, noted", () => {
    const base = bead("title: T\npriority: 2");
    const r = merge(base, bead("title: T\npriority: 1"), bead("title: T\npriority: 4"));
    expect(fieldsOf(r.text).priority).toBe(4);
    expect(r.notes).toEqual([expect.objectContaining({ kind: "field", field: "priority" })]);
  });

  it("a field removed on one side and untouched on the other is removed; unknown keys are kept", () => {
    const base = bead("title: T\nagent: bob\ncustom: 1");
    const r = merge(base, bead("title: T\ncustom: 1"), bead("title: T\nagent: bob\ncustom: 1\nmine: yes"));
    expect(r.text).toBe(bead("title: T\ncustom: 1\nmine: yes"));
  });

  it("mergeFields works on plain records", () => {
    expect(mergeFields(P, { status: "open" }, { status: "claimed", claimed_by: "a" }, { status: "open", title: "x" })).toEqual({
      status: "claimed",
      claimed_by: "a",
      title: "x",
    });
  });
});

describe("mergeBead: the body", () => {
  it("a person's edit and an agent's result both survive", () => {
    const base = bead("title: T\nstatus: claimed\nclaimed_by: agent@h", "Summarize the notes.\n");
    const person = bead("title: T\nstatus: claimed\nclaimed_by: agent@h\npriority: 1", "Summarize the notes.\nFocus on the GPU changes.\n");
    const agent = bead("title: T\nstatus: done\nclaimed_by: agent@h\nmodel: qwen3:8b", "Summarize the notes.\n\n## Result\nAll done.\n");
    const r = merge(base, person, agent);
    const f = fieldsOf(r.text);
    expect(f).toMatchObject({ status: "done", priority: 1, model: "qwen3:8b" });
    expect(r.text).toContain("Focus on the GPU changes.");
    expect(r.text).toContain("## Result\nAll done.");
    expect(r.notes).toEqual([]);
  });

  it("two different results are both kept", () => {
    const base = bead("title: T", "Task.\n");
    const ours = bead("title: T", "Task.\n\n## Result\n\nFrom A.\n");
    const theirs = bead("title: T", "Task.\n\n## Result\n\nFrom B.\n");
    const r = merge(base, ours, theirs);
    expect(r.text).toContain("From A.");
    expect(r.text).toContain("From B.");
    expect(r.text?.match(/## Result/g)).toHaveLength(2);
    expect(r.text).toBe(bead("title: T", "Task.\n\n## Result\n\nFrom A.\n\n## Result\n\nFrom B.\n"));
  });

  it("the same line edited differently keeps both versions, noted", () => {
    const r = merge(bead("title: T", "Use red.\n"), bead("title: T", "Use green.\n"), bead("title: T", "Use blue.\n"));
    expect(r.text).toBe(bead("title: T", "Use green.\nUse blue.\n"));
    expect(r.notes.map((n) => n.kind)).toEqual(["body"]);
  });

  it("keeps CRLF files in CRLF", () => {
    const crlf = (s: string) => s.replace(/\n/g, "\r\n");
    const base = crlf(bead("title: T\nstatus: open", "a\nb\n"));
    const ours = crlf(bead("title: T\nstatus: open\npriority: 1", "a\nb\n"));
    const theirs = crlf(bead("title: T\nstatus: done", "a\nb\nc\n"));
    expect(merge(base, ours, theirs).text).toBe(crlf(bead("title: T\nstatus: done\npriority: 1", "a\nb\nc\n")));
  });
});

describe("mergeBead: deletions and broken files", () => {
  const base = bead("title: T");
  it("deleted on one side, untouched on the other: deleted", () => {
    expect(merge(base, null, base)).toEqual({ text: null, notes: [] });
    expect(merge(base, base, null)).toEqual({ text: null, notes: [] });
    expect(merge(base, null, null)).toEqual({ text: null, notes: [] });
  });

  it("deleted on one side, modified on the other: the modified bead is kept and reported", () => {
    const changed = bead("title: T\nstatus: done");
    const a = merge(base, null, changed);
    expect(a.text).toBe(changed);
    expect(a.notes).toEqual([expect.objectContaining({ kind: "deleted" })]);
    expect(merge(base, changed, null).text).toBe(changed);
  });

  it("added on both sides: merged with an empty base", () => {
    const r = merge(null, bead("title: Fix login\nlabels: [a]", "Mine.\n"), bead("title: Fix login\nlabels: [b]", "Theirs.\n"));
    expect(fieldsOf(r.text).labels).toEqual(["a", "b"]);
    expect(r.text).toContain("Mine.\nTheirs.\n");
  });

  it("a side with broken YAML falls back to a text merge that loses nothing", () => {
    const broken = "---\ntitle: [unclosed\n---\nBody\n";
    const r = merge(base, broken, bead("title: T\nstatus: done"));
    expect(r.notes.map((n) => n.kind)).toEqual(["unparsed"]);
    expect(r.text).toContain("title: [unclosed");
    expect(r.text).toContain("status: done");
  });
});

describe("mergePath", () => {
  const v = (text: string, executable = false): FileVersion => ({ bytes: Buffer.from(text), executable });
  const text = (r: ReturnType<typeof mergePath>, i = 0) => {
    const version = r.files[i]?.version;
    return version ? Buffer.from(version.bytes).toString("utf8") : null;
  };

  it("classifies paths", () => {
    expect(pathKind("beads/bb-1.md")).toBe("bead");
    expect(pathKind("beads/.gitkeep")).toBe("other");
    expect(pathKind("beads/sub/x.md")).toBe("other");
    expect(pathKind("memory/MEMORY.md")).toBe("memory");
    expect(pathKind("agents/a.md")).toBe("other");
  });

  it("memory files: lines appended on both sides are all kept", () => {
    const base = "# Notes\n\n## 2030-01-01\n- a\n";
    const r = mergePath("memory/coder.md", v(base), v(`${base}- from one\n`), v(`${base}- from two\n`));
    expect(text(r)).toBe(`${base}- from one\n- from two\n`);
    expect(r.files).toHaveLength(1);
  });

  it("other files: clean merges merge; conflicts keep ours and put theirs beside it", () => {
    const base = "a: 1\nb: 2\nc: 3\n";
    const clean = mergePath("agents/x.md", v(base), v("a: 9\nb: 2\nc: 3\n"), v("a: 1\nb: 2\nc: 7\n"));
    expect(text(clean)).toBe("a: 9\nb: 2\nc: 7\n");
    const conflict = mergePath(".beadboard.yml", v(base), v("a: 1\nb: ours\nc: 3\n"), v("a: 1\nb: theirs\nc: 3\n"));
    expect(conflict.files.map((f) => f.path)).toEqual([".beadboard.yml", ".beadboard.yml.theirs"]);
    expect(text(conflict, 0)).toBe("a: 1\nb: ours\nc: 3\n");
    expect(text(conflict, 1)).toBe("a: 1\nb: theirs\nc: 3\n");
    expect(conflict.notes).toEqual([expect.objectContaining({ kind: "conflict-file" })]);
  });

  it("binary files changed on both sides: ours kept, theirs beside", () => {
    const r = mergePath("img.png", { bytes: Buffer.from([0, 1]), executable: false }, { bytes: Buffer.from([0, 2]), executable: false }, { bytes: Buffer.from([0, 3]), executable: false });
    expect(r.files.map((f) => f.path)).toEqual(["img.png", "img.png.theirs"]);
  });

  it("deletions are explicit for every file", () => {
    expect(mergePath("x.txt", v("a"), null, v("a")).files).toEqual([{ path: "x.txt", version: null }]);
    const kept = mergePath("x.txt", v("a"), null, v("b"));
    expect(text(kept)).toBe("b");
    expect(kept.notes[0]?.kind).toBe("deleted");
  });

  it("keeps an executable bit set on one side", () => {
    const r = mergePath(".githooks/pre-commit", v("#!/bin/sh\n"), v("#!/bin/sh\n", true), v("#!/bin/sh\necho\n"));
    expect(r.files[0]?.version?.executable).toBe(true);
    expect(text(r)).toBe("#!/bin/sh\necho\n");
  });

  it("beads go through the bead merge", () => {
    const base = bead("title: T\nstatus: open");
    const r = mergePath(P, v(base), v(bead("title: T\nstatus: claimed\nclaimed_by: a@h")), v(bead("title: T\nstatus: done")));
    expect(fieldsOf(text(r)).status).toBe("done");
  });
});

describe("comments both sides added", () => {
  const base = bead("title: T", "Do the thing.\n");
  const c = (who: string, at: string, text: string) => `- **${who}** (${at}): ${text}`;

  it("become one Comments section with every comment once, in time order, the rest of the body merged too", () => {
    const ours = bead("title: T", `Do the thing.\n\n## Comments\n${c("Ann", "2026-01-02T00:00:00.000Z", "later")}\n`);
    const theirs = bead("title: T", `Do the thing.\nAnd test it.\n\n## Comments\n${c("Bob", "2026-01-01T00:00:00.000Z", "earlier")}\n  second line\n`);
    const merged = merge(base, ours, theirs).text!;
    expect(merged.match(/^## Comments$/gm)).toHaveLength(1);
    expect(merged).toContain("And test it.");
    const body = parseBead(merged, P).body;
    expect(body.indexOf("earlier")).toBeLessThan(body.indexOf("later"));
    expect(body).toContain("earlier\n  second line\n");
  });

  it("keep what both had, drop what either removed, and add what each added", () => {
    const had = `${c("Ann", "2026-01-01T00:00:00.000Z", "one")}\n${c("Ann", "2026-01-02T00:00:00.000Z", "two")}`;
    const withComments = (items: string) => bead("title: T", `Do the thing.\n\n## Comments\n${items}\n`);
    const ours = withComments(`${c("Ann", "2026-01-01T00:00:00.000Z", "one")}\n${c("Cy", "2026-01-04T00:00:00.000Z", "four")}`);
    const theirs = withComments(`${had}\n${c("Bob", "2026-01-03T00:00:00.000Z", "three")}`);
    const body = parseBead(merge(withComments(had), ours, theirs).text!, P).body;
    expect(body).toMatch(/one[\s\S]*three[\s\S]*four/);
    expect(body).not.toContain("two");
  });

  it("are left to the line merge when only one side changed them", () => {
    const longer = bead("title: T", "Do the thing.\nStep two.\nStep three.\n");
    const ours = bead("title: T", `Do the thing.\nStep two.\nStep three.\n\n## Comments\n${c("Ann", "2026-01-02T00:00:00.000Z", "hi")}\n`);
    const theirs = bead("title: T", "Do the thing, carefully.\nStep two.\nStep three.\n");
    const merged = merge(longer, ours, theirs).text!;
    expect(merged).toBe(bead("title: T", `Do the thing, carefully.\nStep two.\nStep three.\n\n## Comments\n${c("Ann", "2026-01-02T00:00:00.000Z", "hi")}\n`));
  });
});
