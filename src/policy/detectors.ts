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
import { TOKEN, hasMixedCaseAndDigit, isHighEntropySecret } from "./entropy.js";
import { isPhoneNumber, isValidIban } from "./pii.js";

export { shannonEntropy } from "./entropy.js";
export { isValidIban } from "./pii.js";

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
  /** Must be global; `accept`, when present, vets each match. */
  pattern: RegExp;
  accept?: (match: RegExpExecArray, text: string) => boolean;
  /**
   * After a rejected match, look again from the next character instead of after the match
   * (so `01.02.2024 0151 23456789` still yields the number). Only for patterns whose matches
   * are short, so that retrying stays linear.
   */
  retry?: boolean;
}

// RFC 2606 names for documentation: never real people or servers. (Not localhost: a
// password for a local database is still a password.)
const RESERVED_DOMAIN = /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid)$/i;

const B = "(?<![A-Za-z0-9_-])"; // start-of-token guard shared by the token patterns
const E = "(?![A-Za-z0-9_-])";

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
    pattern: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s:/@]{0,256}:([^\s/@]{1,256})@([^\s/@?#:]{1,253})/g,
    accept: (m) => isNonTrivialValue(m[1] ?? "", false, 3) && !RESERVED_DOMAIN.test(m[2] ?? ""),
  },
  {
    kind: "env-secret",
    level: "secret",
    // name, optional closing quote (JSON/YAML keys), separator, optional opening quote, value.
    // The keyword is part of the pattern, not only of `accept`: a rejected match consumes its
    // value, and `db: DB_PASSWORD=x` must not be swallowed by a match on `db`.
    pattern:
      /(?<![A-Za-z0-9_$.-])([A-Za-z0-9_.-]{0,40}?(?:key|secret|token|passw(?:or)?d|pwd|credentials?|passphrase)[A-Za-z0-9_.-]{0,24})(["']?)([ \t]{0,4})(:=|:|=)([ \t]{0,4})(["']?)([^\s"'`,;]{1,512})/gi,
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
    accept: (m, text) => isPhoneNumber(m[0]) && !/(?:^|[\s<])[0-9a-fA-F]{2} $/.test(text.slice(Math.max(0, m.index - 4), m.index)),
    retry: true,
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
    const re = detector.pattern;
    re.lastIndex = 0;
    for (let match = re.exec(text); match; match = re.exec(text)) {
      if (!detector.accept || detector.accept(match, text)) add(detector.kind, detector.level, match.index, match[0].length);
      else if (detector.retry) re.lastIndex = match.index + 1;
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

function isNonTrivialValue(value: string, strict: boolean, minLength = 6): boolean {
  if (value.length < minLength || PLACEHOLDERS.test(value)) return false;
  if (/^[$<{%[:=]/.test(value) || /[()]/.test(value)) return false; // ${VAR}, <token>, {{x}}, %s, calls
  if (/^(.)\1*$/.test(value) || /^[0-9.]+$/.test(value)) return false; // xxxxxx, numbers and versions
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value)) return false; // config.apiKey, process.env.X
  if (/^(?:\/|\.{1,2}\/|~\/)/.test(value)) return false; // paths, e.g. PWD=/home/me
  if (/^(?:process\.env|import\.meta\.env|os\.environ|os\.getenv|ENV\[)/.test(value)) return false; // references
  if (strict) return value.length >= 16 && /[0-9]/.test(value) && /[A-Za-z]/.test(value);
  return true;
}

function acceptAssignment(m: RegExpExecArray): boolean {
  const [, name = "", closeQuote = "", before = "", sep = "", after = "", openQuote = "", value = ""] = m;
  const words = nameWords(name);
  const last = words[words.length - 1] ?? "";
  if (NOT_SECRET_NAMES.has(last)) return false;
  const strong = words.some((w) => STRONG_NAME.test(w));
  const keyish = !strong && words.some((w) => KEY_NAME.test(w) && !NOT_SECRET_NAMES.has(w));
  if (!strong && !keyish) return false;
  const quoted = openQuote !== "" || closeQuote !== "";
  // `.env`, shell and `.properties` lines: an upper-case name, or `name=value` without spaces.
  const dotenv = sep !== ":" && !quoted && (/^[A-Z][A-Z0-9_]*$/.test(name) || before + after === "");
  if (!dotenv) {
    // Outside `.env` lines: prose ("Token: expires hourly"), enum-like strings
    // (`credentials: 'same-origin'`), and in code, types and variables (`token: BlockMap`,
    // `type T = Token<Kind>`, `password = input;`) are not values.
    const typeName = /^[A-Z][a-z]/.test(name);
    if ((sep === ":" || typeName) && /^[a-z]+(?:[-_][a-z]+)*$/.test(value)) return false;
    if (!quoted && /^[A-Za-z_$][\w$.]*(?:[<[|&].*)?$/.test(value)) return false;
  }
  // "key" names much that is not a credential (sort keys, cache keys): demand a key-like value.
  return isNonTrivialValue(value, keyish);
}

// ---- email -------------------------------------------------------------------------------

function acceptEmailDomain(domain: string, whole: string): boolean {
  if (RESERVED_DOMAIN.test(domain) || /(?:^|\.)localhost$/i.test(domain)) return false;
  if (/^git@/i.test(whole)) return false; // ssh remotes such as git@github.com
  if (/^\d+(?:\.\d+)?x\./i.test(domain)) return false; // logo@2x.png and other asset names
  return true;
}
