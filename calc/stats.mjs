// A tiny library for the example board: codemonkey's bead bb-ca1c is to make its tests pass.
export function mean(values) {
  if (values.length === 0) throw new RangeError("mean of no values");
  return values.reduce((total, value) => total + value, 0) / (values.length - 1);
}
