/**
 * Fake credentials for detector tests, assembled at run time so that this repository never
 * contains a literal that secret scanners (GitHub push protection and the like) would block.
 */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Deterministic mixed-case alphanumeric string (a small LCG; the same seed gives the same text). */
export function rand(length: number, seed = 1, alphabet = ALPHABET): string {
  let state = seed >>> 0 || 1;
  let out = "";
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out += alphabet[(state >>> 8) % alphabet.length];
  }
  return out;
}

const j = (...parts: string[]): string => parts.join("");
const b64url = (value: string): string => Buffer.from(value).toString("base64url");

export const fake = {
  awsAccessKey: j("AK", "IA", rand(16, 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
  awsSessionKey: j("AS", "IA", rand(16, 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
  awsSecret: rand(40, 5),
  githubPat: j("gh", "p_", rand(36, 6)),
  githubOauth: j("gh", "o_", rand(36, 7)),
  githubFineGrained: j("github", "_pat_", rand(22, 8), "_", rand(59, 9)),
  gitlab: j("gl", "pat-", rand(20, 10)),
  slack: j("xo", "xb-", "1234567890-1234567890123-", rand(24, 11)),
  openai: j("s", "k-", rand(48, 12)),
  openaiProject: j("s", "k-proj-", rand(40, 13), "_", rand(20, 14)),
  anthropic: j("s", "k-ant-", "api03-", rand(80, 15), "-", rand(10, 16)),
  google: j("AI", "za", rand(35, 17)),
  stripe: j("s", "k_", "live_", rand(24, 18)),
  jwt: j(b64url('{"alg":"HS256","typ":"JWT"}'), ".", b64url('{"sub":"1234567890","name":"Ada"}'), ".", rand(43, 19)),
  randomToken: rand(40, 20),
  pemRsa: j("-----BEGIN RSA PRIV", "ATE KEY-----\n", rand(64, 21), "\n-----END RSA PRIVATE KEY-----"),
  pemOpenssh: j("-----BEGIN OPENSSH PRIV", "ATE KEY-----\n", rand(64, 22), "\n-----END OPENSSH PRIVATE KEY-----"),
  pemPkcs8: j("-----BEGIN PRIV", "ATE KEY-----\n", rand(64, 23)),
  pemEncrypted: j("-----BEGIN ENCRYPTED PRIV", "ATE KEY-----\n", rand(64, 24)),
  pemPgp: j("-----BEGIN PGP PRIV", "ATE KEY BLOCK-----\n", rand(64, 25)),
};
