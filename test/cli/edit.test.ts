import { readdirSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards } from "../helpers/temp-board.js";
import { cliBoard, lastCommitFiles } from "./support.js";

afterEach(cleanupTempBoards);

const A = beadText(["title: Alpha", "labels: [web]  # keep", "priority: 2"], "Old body.\n");

describe("bead set: list items and body", () => {
  it("labels+= adds once, labels-= removes, in one commit, comments kept", async () => {
    const b = await cliBoard({ "beads/a.md": A });
    expect((await b.bead(["set", "a", "labels+=ops", "labels+=web"])).stdout).toBe("a: updated\n");
    expect(readFileSync(join(b.dir, "beads/a.md"), "utf8")).toMatch(/labels: \[ ?web, ops ?\] {2}# keep/);
    expect((await b.bead(["set", "a", "labels-=web"])).code).toBe(0);
    expect(JSON.parse((await b.bead(["show", "a", "--json"])).stdout).labels).toEqual(["ops"]);
    expect((await b.bead(["set", "a", "labels-=nothing"])).stdout).toBe("a: unchanged\n");
  });

  it("refuses += on a field that is not a list, writing nothing", async () => {
    const b = await cliBoard({ "beads/a.md": A });
    const head = b.head();
    const run = await b.bead(["set", "a", "priority+=1"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/priority is not a list/);
    expect(b.head()).toBe(head);
  });

  it("--body - replaces the body from stdin and leaves the front-matter byte for byte", async () => {
    const b = await cliBoard({ "beads/a.md": A });
    expect((await b.bead(["set", "a", "--body", "-"], { stdin: "New body.\n\n- [ ] step\n" })).code).toBe(0);
    const text = readFileSync(join(b.dir, "beads/a.md"), "utf8");
    expect(text).toMatch(/^---\ntitle: Alpha\nlabels: \[web\] {2}# keep\npriority: 2\nupdated: .*\n---\nNew body\.\n\n- \[ \] step\n$/);
    expect(lastCommitFiles(b)).toEqual(["beads/a.md"]);
    expect((await b.bead(["set", "a"])).stderr).toMatch(/nothing to set/);
  });
});

describe("bead edit", () => {
  it("runs $EDITOR on a copy and commits the valid result", async () => {
    const b = await cliBoard({ "beads/a.md": A });
    const run = await b.bead(["edit", "a"], { env: { EDITOR: "sed -i s/Alpha/Omega/", VISUAL: "" } });
    expect(run).toMatchObject({ code: 0, stdout: "a: updated\n" });
    expect(readFileSync(join(b.dir, "beads/a.md"), "utf8")).toContain("title: Omega\nlabels: [web]  # keep");
    expect(b.git(["log", "-1", "--format=%s"]).trim()).toBe("edit a");
  });

  it("prefers $VISUAL; an unchanged save or a failing editor writes nothing", async () => {
    const b = await cliBoard({ "beads/a.md": A });
    const head = b.head();
    expect((await b.bead(["edit", "a"], { env: { VISUAL: "true", EDITOR: "sed -i s/Alpha/Omega/" } })).stdout).toBe("a: unchanged\n");
    const failed = await b.bead(["edit", "a"], { env: { EDITOR: "false", VISUAL: "" } });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/exited with 1; beads\/a\.md is unchanged/);
    expect(b.head()).toBe(head);
  });

  it("keeps an invalid result in a recovery file, says where and which line, and writes nothing", async () => {
    const b = await cliBoard({ "beads/a.md": A });
    const head = b.head();
    const script = join(b.dir, ".git", "bad-editor.sh");
    writeFileSync(script, '#!/bin/sh\nsed -i "s/priority: 2/priority: urgent/" "$1"\n');
    chmodSync(script, 0o755);
    const run = await b.bead(["edit", "a"], { env: { EDITOR: script, VISUAL: "" } });
    expect(run.code).toBe(1);
    const kept = /kept in (\S+)/.exec(run.stderr)?.[1];
    expect(run.stderr).toMatch(/beads\/a\.md:4: .*priority/);
    expect(readFileSync(kept!, "utf8")).toContain("priority: urgent");
    expect(readdirSync(join(b.dir, ".git", "beadboard", "recovery"))).toHaveLength(1);
    expect(readFileSync(join(b.dir, "beads/a.md"), "utf8")).toBe(A);
    expect(b.head()).toBe(head);
  });

  it("a person's save to the bead while the editor was open wins; the edit is kept for recovery", async () => {
    const b = await cliBoard({ "beads/a.md": A });
    const script = join(b.dir, ".git", "racing-editor.sh");
    writeFileSync(script, `#!/bin/sh\nsed -i s/Alpha/Omega/ "$1"\nprintf 'saved meanwhile\\n' >> '${join(b.dir, "beads/a.md")}'\n`);
    chmodSync(script, 0o755);
    const run = await b.bead(["edit", "a"], { env: { EDITOR: script, VISUAL: "" } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/changed on disk while you edited it; nothing was written, your text is kept in/);
    expect(readFileSync(join(b.dir, "beads/a.md"), "utf8")).toBe(`${A}saved meanwhile\n`);
    expect(readFileSync(/kept in (\S+)/.exec(run.stderr)![1]!, "utf8")).toContain("title: Omega");
  });
});
