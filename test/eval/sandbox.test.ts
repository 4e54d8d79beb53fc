/** A task's throwaway repository: a real git repository with the setup committed, read back without following links. */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeSandbox, snapshot } from "../../src/eval/sandbox.js";

describe("sandbox", () => {
  it("commits the setup files, reads every file back (links and FIFOs named, not followed), and is removed", async () => {
    const sandbox = await makeSandbox({ "src/a.js": "a\n", "README.md": "r\n" });
    try {
      expect(execFileSync("git", ["ls-files"], { cwd: sandbox.root, encoding: "utf8" }).split("\n").filter(Boolean)).toEqual(["README.md", "src/a.js"]);
      expect(execFileSync("git", ["status", "--porcelain"], { cwd: sandbox.root, encoding: "utf8" })).toBe("");
      symlinkSync("/etc/passwd", join(sandbox.root, "link"));
      writeFileSync(join(sandbox.root, "new.txt"), "n");
      const after = snapshot(sandbox.root);
      expect([...after.files.entries()]).toEqual([
        ["README.md", "r\n"],
        ["link", "\0(not a regular file)"],
        ["new.txt", "n"],
        ["src/a.js", "a\n"],
      ]);
      expect(after.truncated).toBe(false);
      expect(snapshot(sandbox.root, 2)).toMatchObject({ truncated: true });
    } finally {
      sandbox.remove();
    }
    expect(existsSync(sandbox.root)).toBe(false);
  });
});
