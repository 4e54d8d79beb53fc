/**
 * The last-resort secret detector: long random-looking tokens that no named pattern caught.
 * Pure, no I/O. Part of detectors.ts, split out to keep files small.
 */
export const hasMixedCaseAndDigit = (s: string): boolean => /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s);

/** Candidate tokens: base64/base64url-ish runs of 24+ characters, matched only at token starts. */
export const TOKEN = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]{24,}(?![A-Za-z0-9+/=_-])/g;

export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * A base64/base64url-ish token of 24–512 characters that mixes upper case, lower case and
 * digits, is not hex or an integrity hash, does not read like an identifier, and whose
 * entropy reaches what random text of its length almost always reaches. Tuned on random
 * tokens (misses ~6% at 24 chars, ~2% at 40, none past 100) against the ~30,000 long tokens in
 * this project's node_modules *.d.ts and *.md files (flags only base64 digests and doc ids).
 */
export function isHighEntropySecret(token: string, text: string, index: number): boolean {
  if (token.length > 512) return false; // blobs such as inline images and minified data
  if (text.slice(Math.max(0, index - 7), index).toLowerCase() === "base64,") return false;
  if (/^[0-9a-fA-F-]+$/.test(token)) return false; // SHAs, digests, UUIDs
  if (/^sha(?:1|256|384|512)-/.test(token)) return false; // subresource integrity
  // Published digests and key pins (`pin-sha256="…"`, `integrity: …`) are public by design.
  if (/sha(?:1|256|384|512)|integrity|digest|checksum/i.test(text.slice(Math.max(0, index - 16), index))) return false;
  const core = token.replace(/=+$/, "");
  if (!hasMixedCaseAndDigit(core)) return false;
  if (core.split("/").some((part) => /^[a-z][a-z-]{3,}$/.test(part))) return false; // paths
  if (caseSwitchRate(core) < 0.2 || wordiness(core) >= 0.6) return false; // identifiers
  return shannonEntropy(core) >= entropyThreshold(core.length);
}

/** Identifiers change case only at word starts (~0.1–0.2); random text about half the time. */
function caseSwitchRate(s: string): number {
  let pairs = 0;
  let switches = 0;
  for (let i = 1; i < s.length; i++) {
    const a = s.charAt(i - 1);
    const b = s.charAt(i);
    if (!/[A-Za-z]/.test(a) || !/[A-Za-z]/.test(b)) continue;
    pairs++;
    if ((a >= "a") !== (b >= "a")) switches++;
  }
  return pairs === 0 ? 0 : switches / pairs;
}

/** Share of the token inside word-like runs (`Word`, `word`): high for names, low for keys. */
function wordiness(s: string): number {
  let covered = 0;
  for (const m of s.matchAll(/[A-Z][a-z]{2,}|[a-z]{3,}/g)) covered += m[0].length;
  return covered / s.length;
}

// Roughly the 0.5th percentile of the entropy of random base64/alphanumeric text per length.
const ENTROPY_TABLE: ReadonlyArray<readonly [number, number]> = [
  [24, 3.85],
  [32, 4.15],
  [40, 4.4],
  [48, 4.55],
  [64, 4.8],
  [100, 5.1],
  [200, 5.4],
];

function entropyThreshold(length: number): number {
  let [prevLen, prevBits] = ENTROPY_TABLE[0] ?? [24, 3.85];
  if (length <= prevLen) return prevBits;
  for (const [len, bits] of ENTROPY_TABLE) {
    if (length <= len) return prevBits + ((bits - prevBits) * (length - prevLen)) / (len - prevLen);
    [prevLen, prevBits] = [len, bits];
  }
  return prevBits;
}
