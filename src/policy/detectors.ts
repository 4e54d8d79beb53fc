/**
 * Finds secrets and personal data in text before it may leave the machine. Pure, no I/O.
 *
 * Every pattern is written for a backtracking engine fed hostile input: quantifiers are
 * bounded, and each pattern opens with a negative lookbehind so that a match can only start
 * at a token boundary. A run of a million identical characters therefore costs one bounded
 * attempt, not one attempt per position.
 *
 * Decisions on what does NOT count:
 * - Pure hex tokens (git SHAs, sha256 digests) and UUIDs are never secrets by entropy alone:
 *   they are everywhere in engineering text and are identifiers, not credentials. A hex
 *   secret is still caught when it is named (`API_KEY=…`, `aws_secret_access_key = …`).
 * - Documentation placeholders (`user:password@`, `TOKEN=<your token>`, `${VAR}`, `xxxx`) and
 *   RFC 2606 example domains are not findings.
 */
export type FindingLevel = "private" | "secret";

export interface Finding {
  kind: string;
  level: FindingLevel;
  /** Offset of the match in the text (UTF-16 code units). */
  index: number;
  /** Length of the match, so callers can redact it. */
  length: number;
  /** Never the value: at most four leading characters and an ellipsis. */
  preview: string;
}

/** Human words for each kind, for reasons shown to people. */
export const KIND_DESCRIPTIONS: Readonly<Record<string, string>> = {
  "private-key": "a private key",
  "aws-access-key": "an AWS access key",
  "aws-secret": "an AWS secret key",
  "github-token": "a GitHub token",
  "gitlab-token": "a GitLab token",
  "slack-token": "a Slack token",
  "anthropic-key": "an Anthropic API key",
  "openai-key": "an OpenAI-style API key",
  "google-api-key": "a Google API key",
  "stripe-key": "a Stripe key",
  jwt: "a JSON Web Token",
  "url-password": "a password in a URL",
  "env-secret": "a secret assignment",
  "high-entropy": "a high-entropy token",
  email: "an email address",
  phone: "a phone number",
  iban: "an IBAN",
};

interface Detector {
  kind: string;
  level: FindingLevel;
  /** Must be global; group 1, when present, is the part that must pass `accept`. */
  pattern: RegExp;
  accept?: (match: RegExpExecArray, text: string) => boolean;
}

const B = "(?<![A-Za-z0-9_-])"; // start-of-token guard shared by the token patterns
const E = "(?![A-Za-z0-9_-])";

const hasMixedCaseAndDigit = (s: string): boolean => /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s);

// Listed most specific first: when two findings overlap, the earlier detector wins.
const DETECTORS: Detector[] = [
  { kind: "private-key", level: "secret", pattern: /-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g },
  { kind: "aws-access-key", level: "secret", pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  {
    kind: "aws-secret",
    level: "secret",
    pattern: /(?<![A-Za-z0-9_])aws_?secret(?:_?access)?_?key["']?\s{0,4}[:=]\s{0,4}["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
  },
  { kind: "github-token", level: "secret", pattern: new RegExp(`${B}(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})${E}`, "g") },
  { kind: "gitlab-token", level: "secret", pattern: new RegExp(`${B}glpat-[A-Za-z0-9_-]{20,64}${E}`, "g") },
  { kind: "slack-token", level: "secret", pattern: new RegExp(`${B}xox[baprs]-[A-Za-z0-9-]{10,200}${E}`, "g") },
  { kind: "anthropic-key", level: "secret", pattern: new RegExp(`${B}sk-ant-[A-Za-z0-9_-]{20,250}${E}`, "g") },
  {
    kind: "openai-key",
    level: "secret",
    // `sk-` alone also starts CSS classes and slugs; real keys always mix case and digits.
    pattern: new RegExp(`${B}sk-((?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,250})${E}`, "g"),
    accept: (m) => hasMixedCaseAndDigit(m[1] ?? ""),
  },
  { kind: "google-api-key", level: "secret", pattern: new RegExp(`${B}AIza[0-9A-Za-z_-]{35}${E}`, "g") },
  { kind: "stripe-key", level: "secret", pattern: new RegExp(`${B}(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,247}${E}`, "g") },
  { kind: "jwt", level: "secret", pattern: new RegExp(`${B}eyJ[A-Za-z0-9_-]{8,8192}\\.eyJ[A-Za-z0-9_-]{8,8192}\\.[A-Za-z0-9_-]{8,8192}${E}`, "g") },
  {
    kind: "url-password",
    level: "secret",
    pattern: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s:/@]{1,256}:([^\s/@]{1,256})@[^\s/@]/g,
    accept: (m) => isNonTrivialValue(m[1] ?? "", false),
  },
  {
    kind: "env-secret",
    level: "secret",
    // name, optional closing quote (JSON/YAML keys), separator, optional opening quote, value
    pattern: /(?<![A-Za-z0-9_$.-])([A-Za-z_][A-Za-z0-9_.-]{0,63})(["']?)[ \t]{0,4}(:|=|:=)[ \t]{0,4}(["']?)([^\s"'`,;]{1,512})/g,
    accept: acceptAssignment,
  },
  {
    kind: "email",
    level: "private",
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@((?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24})(?![A-Za-z0-9-]|\.[A-Za-z0-9])/g,
    accept: (m) => acceptEmailDomain(m[1] ?? "", m[0]),
  },
  { kind: "iban", level: "private", pattern: /(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g, accept: (m) => isValidIban(m[0]) },
  {
    kind: "phone",
    level: "private",
    pattern: /(?<![\w+@./:#=,-])(?:\+|\(|\d)[\d ().-]{5,22}\d(?![\w@/]|[.-]\d)/g,
    // `a0 8b 01 00 00 00 50 32` is a hex dump, not a number
    accept: (m, text) => isPhoneNumber(m[0]) && !/[0-9a-fA-F]{2} $/.test(text.slice(Math.max(0, m.index - 3), m.index)),
  },
];

export function detectSensitive(text: string): Finding[] {
  const found: Finding[] = [];
  // Accepted spans, disjoint and sorted, so an overlap test is one binary search even when a
  // hostile input produces a hundred thousand findings.
  const starts: number[] = [];
  const ends: number[] = [];
  const add = (kind: string, level: FindingLevel, index: number, length: number): void => {
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ends[mid] ?? 0) > index) hi = mid;
      else lo = mid + 1;
    }
    if (lo < starts.length && (starts[lo] ?? 0) < index + length) return;
    starts.splice(lo, 0, index);
    ends.splice(lo, 0, index + length);
    found.push({ kind, level, index, length, preview: preview(text.slice(index, index + length)) });
  };
  for (const detector of DETECTORS) {
    detector.pattern.lastIndex = 0;
    for (const match of text.matchAll(detector.pattern)) {
      if (detector.accept && !detector.accept(match, text)) continue;
      add(detector.kind, detector.level, match.index, match[0].length);
    }
  }
  for (const token of text.matchAll(TOKEN)) {
    if (isHighEntropySecret(token[0], text, token.index)) add("high-entropy", "secret", token.index, token[0].length);
  }
  return found.sort((a, b) => a.index - b.index);
}

export function preview(value: string): string {
  // Short values would be mostly revealed by four characters, so they get fewer.
  const keep = Math.min(4, Math.floor(value.length / 4));
  return `${value.slice(0, keep)}…`;
}

// ---- assignments -------------------------------------------------------------------------

const STRONG_NAME = /(?:secret|password|passwd|pwd|credentials?|token|passphrase)$/;
const KEY_NAME = /key$/;
const NOT_SECRET_NAMES = new Set(["monkey", "donkey", "turkey", "hockey", "jockey", "whiskey", "hotkey", "shortcutkey", "keykey"]);
const PLACEHOLDERS =
  /^(?:password|passwd|pass|pwd|secret|token|key|changeme|change_me|redacted|example|sample|dummy|placeholder|none|null|nil|true|false|undefined|required|optional|string|your[_-]?\w*|my[_-]?\w*|test|xxx+|\*+|\.+|-+|_+|x+|0+)$/i;

/** Split `AWS_SECRET_ACCESS_KEY`, `apiKey`, `db.password` into lower-case words. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function isNonTrivialValue(value: string, strict: boolean): boolean {
  if (value.length < 6 || PLACEHOLDERS.test(value)) return false;
  if (/^[$<{%[:=]/.test(value) || /[()]/.test(value)) return false; // ${VAR}, <token>, {{x}}, %s, calls
  if (/^(.)\1*$/.test(value) || /^[0-9.]+$/.test(value)) return false; // xxxxxx, numbers and versions
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value)) return false; // config.apiKey, process.env.X
  if (/^(?:\/|\.{1,2}\/|~\/)/.test(value)) return false; // paths, e.g. PWD=/home/me
  if (strict) return value.length >= 16 && /[0-9]/.test(value) && /[A-Za-z]/.test(value);
  return true;
}

function acceptAssignment(m: RegExpExecArray): boolean {
  const [, name = "", closeQuote = "", sep = "", openQuote = "", value = ""] = m;
  const words = nameWords(name);
  const last = words[words.length - 1] ?? "";
  if (NOT_SECRET_NAMES.has(last)) return false;
  const strong = words.some((w) => STRONG_NAME.test(w));
  const keyish = !strong && words.some((w) => KEY_NAME.test(w) && !NOT_SECRET_NAMES.has(w));
  if (!strong && !keyish) return false;
  const quoted = openQuote !== "" || closeQuote !== "";
  const dotenv = sep === "=" && !quoted && /^[A-Z][A-Z0-9_]*$/.test(name);
  if (!dotenv) {
    // Outside `.env` lines: prose ("Token: expires hourly"), enum-like strings
    // (`credentials: 'same-origin'`), and in code, types and variables (`token: BlockMap`,
    // `type T = Token<Kind>`, `password = input;`) are not values.
    const typeName = /^[A-Z][a-z]/.test(name);
    if ((sep !== "=" || typeName) && /^[a-z]+(?:[-_][a-z]+)*$/.test(value)) return false;
    if (!quoted && /^[A-Za-z_$][\w$.]*(?:[<[|&].*)?$/.test(value)) return false;
  }
  // "key" names much that is not a credential (sort keys, cache keys): demand a key-like value.
  return isNonTrivialValue(value, keyish);
}

// ---- email -------------------------------------------------------------------------------

const RESERVED_DOMAIN = /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost)$/i;

function acceptEmailDomain(domain: string, whole: string): boolean {
  if (RESERVED_DOMAIN.test(domain)) return false;
  if (/^git@/i.test(whole)) return false; // ssh remotes such as git@github.com
  if (/^\d+(?:\.\d+)?x\./i.test(domain)) return false; // logo@2x.png and other asset names
  return true;
}

// ---- phone -------------------------------------------------------------------------------

/**
 * The candidate pattern is loose on purpose; this decides. International numbers (`+CC`, or
 * `00CC`) need 8–15 digits (E.164). National ones need a trunk `0` followed by a non-zero
 * digit and 10–12 digits, or the North American 3-3-4 shape. Dates, versions, IPs and plain
 * digit runs fail these shapes.
 */
function isPhoneNumber(candidate: string): boolean {
  const s = candidate.trim();
  const digits = s.replace(/\D/g, "");
  if (/[.]/.test(s) && /^\d{1,3}(?:\.\d{1,3}){3}$/.test(s)) return false; // IPv4
  if (/^\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}\b/.test(s) || /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b/.test(s)) return false; // dates
  const groups = s.split(/[ ().-]+/).filter(Boolean);
  if (groups.length > 6 || groups.some((g) => g.length > 12)) return false;
  if (/[.-]{2}|\s{2}/.test(s)) return false;
  if (s.startsWith("+")) return /^\+[1-9]/.test(s) && digits.length >= 8 && digits.length <= 15 && groups.length >= 2;
  if (/^00[1-9]/.test(s)) return digits.length >= 10 && digits.length <= 17 && groups.length >= 2;
  if (/^\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}$/.test(s)) return /^\(?[2-9]/.test(s); // North American
  if (/^\(?0[1-9]/.test(s)) return digits.length >= 10 && digits.length <= 12 && (groups.length >= 2 || digits.length === 11);
  return false;
}

// ---- IBAN --------------------------------------------------------------------------------

// Registered IBAN lengths (SWIFT registry): a well-formed country and length plus the check
// digits leaves about one false positive in 97 × (chance of that exact length).
const IBAN_LENGTHS: Record<string, number> = Object.fromEntries(
  (
    "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 EG29 ES24 " +
    "FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 " +
    "LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 " +
    "SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20"
  )
    .split(" ")
    .map((entry) => [entry.slice(0, 2), Number(entry.slice(2))]),
);

/** ISO 13616: move the first four characters to the end, letters to 10–35, value mod 97 must be 1. */
export function isValidIban(input: string): boolean {
  const iban = input.replace(/ /g, "").toUpperCase();
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(iban)) return false;
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  let remainder = 0;
  for (const ch of iban.slice(4) + iban.slice(0, 4)) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97;
  }
  return remainder === 1;
}

// ---- entropy -----------------------------------------------------------------------------

const TOKEN = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]{24,}(?![A-Za-z0-9+/=_-])/g;

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
function isHighEntropySecret(token: string, text: string, index: number): boolean {
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
