import { describe, expect, it } from "vitest";
import { detectSensitive, isValidIban, shannonEntropy } from "../../src/policy/detectors.js";
import { fake, rand } from "./fixtures.js";

const kinds = (text: string): string[] => detectSensitive(text).map((f) => f.kind);

describe("secrets: true positives", () => {
  it.each([
    ["private-key", fake.pemRsa],
    ["private-key", fake.pemOpenssh],
    ["private-key", fake.pemPkcs8],
    ["private-key", fake.pemEncrypted],
    ["private-key", fake.pemPgp],
    ["aws-access-key", `aws key ${fake.awsAccessKey} in use`],
    ["aws-access-key", `session ${fake.awsSessionKey}`],
    ["aws-secret", `aws_secret_access_key = ${fake.awsSecret}`],
    ["aws-secret", `"awsSecretKey": "${fake.awsSecret}"`],
    ["github-token", `token ${fake.githubPat}`],
    ["github-token", `GH=${fake.githubOauth}`],
    ["github-token", `use ${fake.githubFineGrained} here`],
    ["gitlab-token", `(${fake.gitlab})`],
    ["slack-token", fake.slack],
    ["openai-key", `key: ${fake.openai}`],
    ["openai-key", fake.openaiProject],
    ["anthropic-key", `ANTHROPIC=${fake.anthropic}`],
    ["google-api-key", `https://maps.example/api?key=${fake.google}`],
    ["stripe-key", `stripe ${fake.stripe}`],
    ["jwt", `Authorization: Bearer ${fake.jwt}`],
    ["url-password", "DATABASE_URL=postgres://admin:S3cr3t-Pa55@db.internal:5432/app"],
    ["url-password", "postgres://app:hunter22@localhost:5432/app"],
    ["url-password", "git clone https://alice:tok3nValue99@git.forge.acme.io/team/repo.git"],
    ["env-secret", "DB_PASSWORD=hunter22"],
    ["env-secret", "PASSWORD=correcthorse"],
    ["env-secret", 'API_KEY="Zx81kLmQ2pRt7vWy9aBc"'],
    ["env-secret", "export SERVICE_TOKEN=abc123xyz789"],
    ["env-secret", "password: hunter2!"],
    ["env-secret", "  client_secret: 'q8Ld-92kd_f7Hs'"],
    ["env-secret", '{"clientSecret": "x9Kd82hs7Hw"}'],
    ["env-secret", "SMTP_PASSWD := s3cretpass"],
    ["env-secret", "db.credentials=Pa55word2024"],
    ["high-entropy", `the value ${fake.randomToken} was pasted here`],
    ["high-entropy", `signature ${rand(32, 77)}==`],
    ["env-secret", `signing key: ${rand(32, 77)}==`],
  ])("%s in %j", (kind, text) => {
    const found = detectSensitive(text);
    expect(found.map((f) => f.kind)).toContain(kind);
    expect(found.every((f) => f.level === "secret")).toBe(true);
  });

  it("reports a finding once, by its most specific kind", () => {
    expect(kinds(`GITHUB_TOKEN=${fake.githubPat}`)).toEqual(["github-token"]);
    expect(kinds(`AWS_SECRET_ACCESS_KEY=${fake.awsSecret}`)).toEqual(["aws-secret"]);
  });

  it("gives index and length of the match and a preview that reveals at most four characters", () => {
    const text = `before ${fake.githubPat} after`;
    const [finding] = detectSensitive(text);
    expect(finding).toMatchObject({ kind: "github-token", index: 7, length: fake.githubPat.length });
    expect(finding?.preview).toBe("ghp_…");
    const [short] = detectSensitive("PASSWORD=hunter22");
    expect(short?.preview.length).toBeLessThanOrEqual(5);
    expect(short?.preview).not.toContain("hunter");
  });
});

describe("private data: true positives", () => {
  it.each([
    "write to ada.lovelace@analytical-engines.co.uk today",
    "Contact: <bob+beads@mail.example-corp.com>",
    "mailto:someone@gmail.com",
  ])("email in %j", (text) => {
    expect(detectSensitive(text)).toEqual([expect.objectContaining({ kind: "email", level: "private" })]);
  });

  it.each([
    "+1 415 555 2671",
    "+44 20 7946 0958",
    "+49 (30) 1234567",
    "+33 1 23 45 67 89",
    "+1-415-555-2671",
    "0049 30 12345678",
    "(415) 555-2671",
    "415-555-2671",
    "415.555.2671",
    "020 7946 0958",
    "07700 900123",
    "0151 23456789",
    "030/1234567".replace("/", " "),
    "01 23 45 67 89",
  ])("phone %s", (number) => {
    expect(kinds(`call me on ${number}, thanks`)).toEqual(["phone"]);
  });

  it.each(["DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32", "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300", "CH9300762011623852957"])(
    "IBAN %s",
    (iban) => {
      expect(kinds(`pay to ${iban} by Friday`)).toEqual(["iban"]);
    },
  );
});

describe("IBAN checksum", () => {
  it("accepts valid IBANs with or without spaces and in lower case", () => {
    expect(isValidIban("DE89 3704 0044 0532 0130 00")).toBe(true);
    expect(isValidIban("de89370400440532013000")).toBe(true);
    expect(isValidIban("NO9386011117947")).toBe(true);
  });
  it("rejects a wrong check digit, a wrong length, an unknown country", () => {
    expect(isValidIban("DE89 3704 0044 0532 0130 01")).toBe(false);
    expect(isValidIban("DE88 3704 0044 0532 0130 00")).toBe(false);
    expect(isValidIban("DE89 3704 0044 0532 0130 0")).toBe(false);
    expect(isValidIban("ZZ89 3704 0044 0532 0130 00")).toBe(false);
  });
  it("is not reported as an IBAN when the checksum fails", () => {
    expect(kinds("pay to DE89 3704 0044 0532 0130 01 by Friday")).not.toContain("iban");
    expect(kinds("ref GB00 WEST 1234 5698 7654 32")).toEqual([]);
  });
});

describe("false positives: ordinary text finds nothing", () => {
  it.each([
    ["prose", "The agent claimed the bead, summarised the release notes and wrote what it learned to memory. Tokens are cheap; keys to success are patience and tests."],
    ["markdown", "# Plan\n\n| step | owner |\n|---|---|\n| 1 | ada |\n\n- [x] read [the docs](https://ollama.com/library/qwen3)\n- [ ] **Key:** value\n\n> Token: expires after an hour\n"],
    ["code", "const apiKey = process.env.API_KEY;\nfunction login(password: PasswordInput, token: string): Token<Kind> { return check(password); }\nconst secret = getSecret();\nlet sort_key = created_at;\n"],
    ["typescript types", 'type RequestCredentials = "include" | "omit";\nreadonly cancellationToken: HostCancellationToken;\ncredentials: \'same-origin\''],
    ["git SHAs", "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 (HEAD -> main)\nfixed in 9fceb02, see a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0"],
    ["sha256 digest", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["UUID", "run 550e8400-e29b-41d4-a716-446655440000 finished"],
    ["dates", "Due 2024-01-15, shipped 15.01.2024 (01/15/2024), at 2024-01-15T10:30:00Z, week 2024 03 12"],
    ["versions", "Node v20.19.0, isomorphic-git 1.44.11, qwen3:8b, Ollama 0.12.3, release 2025.10.1-beta.2"],
    ["IP addresses", "server 192.168.100.200 and 10.0.0.1:11434"],
    ["ids and numbers", "bead bb-7k3q, issue #1234567890, 1700000000000 ms, 1,234,567.89 EUR, PR 123456, order 000123456789"],
    ["SRI hash", 'integrity="sha512-7vQ1GmT/6r3K5J3GtH4kXx4h5d8k1a2d3f4g5h6j7k8l9z0x1c2v3b4n5m6q7w8e9r0t1y2u3i4o5p6a7s8d9f0g1=="'],
    ["placeholders", "https://abc:xyz@example.com/x postgres://user:password@localhost/db mysql://root:pass@127.0.0.1\nAPI_KEY=<your key>\nTOKEN=${TOKEN}\nPASSWORD=changeme\nSECRET=xxxxxxxx\nmax_tokens=2048\nTOKEN_LIMIT=16000"],
    ["example emails and ssh remotes", "user@example.com, ops@test.example, git@github.com:owner/repo.git, logo@2x.png, @types/node, lodash@4.17.21"],
    ["identifiers", "getUserById2FactorAuthenticationHandler AbstractSingletonProxyFactoryBean2 CipherChaCha20Poly1305Options README_FOR_Version_2_Deployment_Guide"],
    ["paths", "src/policy/detectors.ts node_modules/some-package/dist/index2.js test/helpers/OllamaDouble2Server.ts"],
    ["css slugs", "class sk-loading-spinner-component-wrapper and sk-fade-in-animation-delay"],
    ["hex dump", "<Buffer a0 8b 28 3f 01 00 00 00 50 32>"],
    ["inline image", `![logo](data:image/png;base64,${rand(600, 5)})`],
    ["model names", "qwen2.5-coder:7b-instruct-q4_K_M Qwen3CoderInstruct30BA3B"],
  ])("%s", (_name, text) => {
    expect(detectSensitive(text)).toEqual([]);
  });
});

describe("entropy", () => {
  it("is zero for one repeated character and log2(n) for n distinct ones", () => {
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBeCloseTo(2);
  });
  it("catches most random 32-character tokens and every random 100-character one", () => {
    let caught = 0;
    for (let seed = 1; seed <= 200; seed++) if (kinds(`x ${rand(32, seed * 7919)} y`).includes("high-entropy")) caught++;
    expect(caught).toBeGreaterThan(180);
    for (let seed = 1; seed <= 50; seed++) expect(kinds(`x ${rand(100, seed * 104729)} y`)).toContain("high-entropy");
  });
});

describe("hostile input", () => {
  const MB = 1 << 20;
  /** Linear scanners take tens of milliseconds per megabyte; catastrophic backtracking takes minutes. */
  const BUDGET_MS = 3000;
  const fill = (unit: string): string => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  /** Scans within the budget and still finds the AWS key that follows the hostile megabyte. */
  const scansInTime = (hostile: string): void => {
    const started = performance.now();
    const found = kinds(`${hostile}\n${fake.awsAccessKey}\n`);
    expect(performance.now() - started).toBeLessThan(BUDGET_MS);
    expect(found).toContain("aws-access-key");
  };
  it.each([
    "a", "1", "1 ", "+1 2", "a@", "a@b.", "-----BEGIN ", "-----BEGIN RSA ", "KEY=", "token: ", "a://", "a://b:",
    "eyJ", "eyJaaaaaaaaa.", "sk-", "ghp_", "aB3+", "DE89 ", "DE8937040044", "(", "(1) ", "1-", "0.", "a\"=", " ",
    "password\t:\t", "0a ", "aws_secret_key=", "AKIA", "Ab1 x@y.co +49 30 1 KEY=abc sk-Ab1 ",
  ])("1 MB of %j is scanned within the budget, and a real finding after it is still caught", (unit) => {
    scansInTime(fill(unit));
  });
  it("a long local part before @ and a long run before a colon", () => {
    scansInTime(`${"a".repeat(MB)}@example.org`);
    scansInTime(`http://${"u".repeat(MB)}:p@h`);
  });
});

describe("rejected candidates do not hide real findings", () => {
  it("an assignment after a non-secret key on the same line", () => {
    expect(kinds("- staging db: DB_PASSWORD=hunter22")).toEqual(["env-secret"]);
  });
  it("a phone number right after a date", () => {
    expect(kinds("on 01.02.2024 0151 23456789 called")).toEqual(["phone"]);
  });
  it("a password in a URL with an empty user name", () => {
    expect(kinds("REDIS_URL=redis://:s3cretpw@cache:6379")).toEqual(["url-password"]);
  });
});
