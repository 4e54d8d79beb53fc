/** The fast share of the fuzz run (1,000 cases); the 10,000-case run is hostile-inputs.system.test.ts. */
import { afterAll, describe, it } from "vitest";
import { fuzzAgentFiles, fuzzBeadFiles, fuzzRunArguments, fuzzWritePaths, makeWorld } from "./hostile-inputs.js";

const world = makeWorld();
afterAll(() => world.cleanup());

describe("fuzz: hostile inputs (fast)", () => {
  it("bead files", () => fuzzBeadFiles(world, 250));
  it("agent files", () => fuzzAgentFiles(world, 250));
  it("run arguments", () => fuzzRunArguments(world, 250));
  it("write paths", () => fuzzWritePaths(world, 250));
});
