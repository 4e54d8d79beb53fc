import { describe, expect, it } from "vitest";
import { assertValidId, assertValidPrefix, generateId, idFromFileName, idLength, isValidId } from "../../src/bead/ids.js";
import { InvalidIdError } from "../../src/errors.js";

/** A deterministic randomInt: plays back `values`, then repeats the last one. */
function scripted(values: number[]): (max: number) => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)] ?? 0;
}

describe("ids", () => {
  it("accepts the ids people and the CLI write", () => {
    for (const id of ["fix-login", "bb-7k3q", "BB-1", "v1.2_notes", "a", "0day"]) expect(isValidId(id)).toBe(true);
  });

  it("refuses anything that is a path, hidden, or would confuse git and shells", () => {
    for (const id of ["../x", "a/b", "a\\b", "..", ".hidden", "-rf", "x.md", "a..b", "", "with space", "tab\tid", "é", "a:b"]) {
      expect(isValidId(id), id).toBe(false);
      expect(() => assertValidId(id), id).toThrow(InvalidIdError);
    }
    expect(() => assertValidId("a".repeat(101))).toThrow(/longer than 100/);
    expect(assertValidId("a".repeat(100))).toBe("a".repeat(100));
  });

  it("names the bad id and says what an id may be", () => {
    expect(() => assertValidId("../x")).toThrow(/invalid bead id "\.\.\/x": .*not paths/);
  });

  it("takes the id from the file name stem", () => {
    expect(idFromFileName("fix-login.md")).toBe("fix-login");
    expect(idFromFileName("Fix Login.md")).toBeUndefined();
    expect(idFromFileName(".swap.md")).toBeUndefined();
  });

  it("checks prefixes", () => {
    expect(assertValidPrefix("bb")).toBe("bb");
    expect(assertValidPrefix("team-1")).toBe("team-1");
    for (const bad of ["", "BB", "-x", "a/b", "x".repeat(17)]) expect(() => assertValidPrefix(bad), bad).toThrow(InvalidIdError);
  });
});

describe("generated ids", () => {
  it("are <prefix>-<base36> with 4 characters on a small board", () => {
    const id = generateId("bb", () => false, 0, scripted([0, 10, 35, 1]));
    expect(id).toBe("bb-0az1");
  });

  it("grow with the board so that clones rarely mint the same id", () => {
    expect(idLength(0)).toBe(4);
    expect(idLength(1000)).toBe(4);
    expect(idLength(2000)).toBe(5);
    expect(idLength(100_000)).toBe(6);
    expect(idLength(10_000_000)).toBe(7);
    const id = generateId("bb", () => false, 10_000, () => 0); // 36^5 ≥ 1000 × 10,000
    expect(id).toBe("bb-00000");
  });

  it("skip ids that exist, and widen when the board is denser than expected", () => {
    const taken = new Set(["bb-0000"]);
    expect(generateId("bb", (id) => taken.has(id), 1, scripted([0, 0, 0, 0, 1, 1, 1, 1]))).toBe("bb-1111");
    // Every 4-character id taken: after ten tries the length grows.
    const id = generateId("bb", (candidate) => candidate.length === "bb-".length + 4, 1, () => 7);
    expect(id).toBe("bb-77777");
  });

  it("give up with a clear error rather than loop forever", () => {
    expect(() => generateId("bb", () => true, 1, () => 0)).toThrow(/could not find a free id/);
  });

  it("use random characters from the whole base36 alphabet", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = generateId("bb", (candidate) => seen.has(candidate), 1, (max) => Math.floor(Math.random() * max));
      expect(id).toMatch(/^bb-[0-9a-z]{4}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(200);
  });
});
