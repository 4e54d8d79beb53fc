/** Tool paths confined to the workspace, on a real directory tree with real symlinks. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ToolRefusedError } from "../../src/errors.js";
import { resolveInWorkspace } from "../../src/harness/confine.js";

let base: string;
let root: string;
beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "beadboard-confine-")));
  root = join(base, "ws");
  mkdirSync(join(root, "src"), { recursive: true });
  writeFileSync(join(root, "src", "a.js"), "1");
  writeFileSync(join(base, "outside.txt"), "secret");
  symlinkSync(join(base, "outside.txt"), join(root, "link-out"));
  symlinkSync(base, join(root, "dir-out"));
  symlinkSync(join(root, "src", "a.js"), join(root, "link-in"));
  writeFileSync(join(root, ".git"), "gitdir: elsewhere");
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe("resolveInWorkspace", () => {
  it("resolves plain relative paths, existing or new, and symlinks that stay inside", () => {
    expect(resolveInWorkspace(root, "src/a.js", "read_file")).toBe(join(root, "src", "a.js"));
    expect(resolveInWorkspace(root, "./src/new/b.js", "write_file")).toBe(join(root, "src", "new", "b.js"));
    expect(resolveInWorkspace(root, "link-in", "read_file")).toBe(join(root, "src", "a.js"));
  });

  it.each([
    ["/etc/passwd", "absolute"],
    ["<root>/src/a.js", "absolute"],
    ["../outside.txt", "'..'"],
    ["src/../../outside.txt", "'..'"],
    ["link-out", "outside the workspace"],
    ["dir-out/outside.txt", "outside the workspace"],
    ["dir-out/new-file", "outside the workspace"],
    [".git", ".git/"],
    ["src/.GIT/config", ".git/"],
    ["C:\\Windows", "absolute"],
    ["a\0b", "NUL"],
  ])("refuses %j with a reason the model can read", (path, reason) => {
    let error: unknown;
    try {
      resolveInWorkspace(root, path.replace("<root>", root), "read_file");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ToolRefusedError);
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).toContain("relative path inside the workspace");
  });
});
