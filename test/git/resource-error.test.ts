/** Disk full (issue 14, item 13): a resource error is never handed to the isomorphic-git fallback. */
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { isResourceError, removeBrokenLooseObjects, resourceErrorMessage } from "../../src/git/resource-error.js";

describe("resource errors", () => {
  it("classifies machine errors, not repository ones", () => {
    for (const code of ["ENOSPC", "EDQUOT", "EROFS", "EIO", "EMFILE", "ENFILE", "ENOMEM"]) expect(isResourceError(Object.assign(new Error(code), { code }))).toBe(true);
    for (const code of ["ENOENT", "EEXIST", "ENOTDIR", undefined]) expect(isResourceError(Object.assign(new Error("x"), { code }))).toBe(false);
    expect(resourceErrorMessage(Object.assign(new Error(), { code: "ENOSPC" }))).toMatch(/disk is full; nothing was committed/);
  });

  it("removes the unreadable loose objects a failed write left, and keeps readable ones", () => {
    const gitdir = mkdtempSync(join(tmpdir(), "bb-objects-"));
    try {
      mkdirSync(join(gitdir, "objects", "ab"), { recursive: true });
      writeFileSync(join(gitdir, "objects", "ab", "empty"), "");
      writeFileSync(join(gitdir, "objects", "ab", "truncated"), deflateSync(Buffer.from("blob 100\0abc")).subarray(0, 5));
      writeFileSync(join(gitdir, "objects", "ab", "good"), deflateSync(Buffer.from("blob 3\0abc")));
      expect(removeBrokenLooseObjects(gitdir, Date.now())).toBe(2);
      expect(existsSync(join(gitdir, "objects", "ab", "good"))).toBe(true);
      expect(existsSync(join(gitdir, "objects", "ab", "empty"))).toBe(false);
    } finally {
      rmSync(gitdir, { recursive: true, force: true });
    }
  });
});
