/** 10,000 hostile cases in all (issue 14): bead files, agent files, run arguments, write paths. */
import { afterAll, describe, it } from "vitest";
import { fuzzAgentFiles, fuzzBeadFiles, fuzzRunArguments, fuzzWritePaths, makeWorld } from "./hostile-inputs.js";

const world = makeWorld();
afterAll(() => world.cleanup());

describe("fuzz: hostile inputs (10,000 cases)", () => {
  it("bead files", () => fuzzBeadFiles(world, 3000), 120_000);
  it("agent files", () => fuzzAgentFiles(world, 2000), 120_000);
  it("run arguments", () => fuzzRunArguments(world, 3000), 120_000);
  it("write paths", () => fuzzWritePaths(world, 2000), 120_000);
});
