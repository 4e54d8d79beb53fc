import { test } from "node:test";
import assert from "node:assert/strict";
import { mean } from "./stats.mjs";

test("mean of several values", () => {
  assert.equal(mean([2, 4, 6]), 4);
});

test("mean of one value is that value", () => {
  assert.equal(mean([5]), 5);
});

test("mean of no values is refused", () => {
  assert.throws(() => mean([]), RangeError);
});
