import { InvalidArgumentError } from "../errors.js";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "15m", "30s", "1h30m", "500ms", or a bare number of milliseconds. */
export function parseDuration(text: string | number, what = "duration"): number {
  if (typeof text === "number" && Number.isFinite(text) && text >= 0) return text;
  const value = String(text).trim();
  if (/^\d+$/.test(value)) return Number(value);
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = pattern.exec(value); match; match = pattern.exec(value)) {
    total += Number(match[1]) * (UNITS[match[2]!] ?? 0);
    consumed = pattern.lastIndex;
  }
  if (consumed !== value.length || value.length === 0) {
    throw new InvalidArgumentError(`${what} ${JSON.stringify(text)} is not a duration; write e.g. 30s, 15m, 1h`);
  }
  return total;
}
