/** The gate on tool results: board-private files for remote models, and the detectors for every model. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isBoardPrivatePath, sensitivityResultGate } from "../../src/harness/result-gate.js";
import { fileTranscript, nextTranscriptAttempt, transcriptPath, TRANSCRIPT_FIELD_MAX } from "../../src/harness/transcript.js";
import { defaultGatePolicy } from "../../src/policy/gate.js";

const gateFor = (locality: "local" | "remote") => sensitivityResultGate({ beadId: "bb-1", agent: "a", locality, policy: defaultGatePolicy, declared: "internal" });

describe("board-private paths", () => {
  it.each([".env", ".env.local", "config/.env.production", "certs/server.pem", "id.key", "secrets/token.txt", "a/secrets/b", "./.env"])("%s is private", (path) => {
    expect(isBoardPrivatePath(path)).toBe(true);
  });
  it.each(["src/env.ts", "README.md", "keys/readme.md", "secretsauce.md", "a.keyboard"])("%s is not", (path) => {
    expect(isBoardPrivatePath(path)).toBe(false);
  });
});

describe("a board's private_paths", () => {
  const extra = ["config/prod.*", "*.p12", "private/", "deploy/keys/"];
  it.each(["config/prod.yml", "CONFIG/Prod.json", "certs/client.p12", "private/x.txt", "a/private/b/c", "deploy/keys/id", ".ENV", "x/Secrets/y"])("%s is private with them", (path) => {
    expect(isBoardPrivatePath(path, extra)).toBe(true);
  });
  it.each(["config/dev.yml", "a/config/prod.yml", "config/prod/x", "privateer.md", "deploy/keysmith", "deploy/readme"])("%s is not", (path) => {
    expect(isBoardPrivatePath(path, extra)).toBe(false);
  });
  it("the defaults hold without them, and the gate applies them for a remote model only", () => {
    expect(isBoardPrivatePath("config/prod.yml")).toBe(false);
    const gate = (locality: "local" | "remote") => sensitivityResultGate({ beadId: "bb-1", agent: "a", locality, policy: defaultGatePolicy, declared: "internal", privatePaths: extra });
    expect(gate("remote")({ tool: "read_file", input: { path: "config/prod.yml" }, text: "1: port: 80" })).toMatchObject({ allowed: false });
    expect(gate("remote")({ tool: "list_files", input: {}, text: "config/prod.yml\nconfig/dev.yml" })).toMatchObject({ allowed: true, text: "config/dev.yml\n(1 board-private line(s) withheld)" });
    expect(gate("local")({ tool: "read_file", input: { path: "config/prod.yml" }, text: "1: port: 80" })).toMatchObject({ allowed: true });
  });
});

describe("sensitivityResultGate", () => {
  it("a remote model never reads a board-private file, even a harmless one; a local one does", () => {
    const input = { tool: "read_file", input: { path: ".env" }, text: "1: DEBUG=true" };
    expect(gateFor("remote")(input)).toEqual({ allowed: false, reason: expect.stringContaining("board-private file (.env)") });
    expect(gateFor("local")(input)).toEqual({ allowed: true, text: "1: DEBUG=true", sensitivity: "internal" });
  });

  it("list_files and search results drop board-private lines for a remote model and keep the rest", () => {
    const listed = gateFor("remote")({ tool: "list_files", input: {}, text: "src/a.ts\n.env\nsecrets/x\nREADME.md" });
    expect(listed).toEqual({ allowed: true, text: "src/a.ts\nREADME.md\n(2 board-private line(s) withheld)", sensitivity: "internal" });
    const found = gateFor("remote")({ tool: "search", input: { pattern: "TOKEN" }, text: "src/a.ts:3: TOKEN\n.env.local:1: TOKEN=x" });
    expect(found).toEqual({ allowed: true, text: "src/a.ts:3: TOKEN\n(1 board-private line(s) withheld)", sensitivity: "internal" });
  });

  it("a private key in any result is refused for a remote model; a local one reads it, judged secret", () => {
    const text = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----";
    expect(gateFor("remote")({ tool: "read_file", input: { path: "notes.txt" }, text }).allowed).toBe(false);
    expect(gateFor("local")({ tool: "read_file", input: { path: "notes.txt" }, text })).toEqual({ allowed: true, text, sensitivity: "secret" });
  });
});

describe("transcript file", () => {
  it("appends one JSON line per entry under .git/beadboard/transcripts/<id>/<attempt>.jsonl, clipping long strings", () => {
    const gitDir = mkdtempSync(join(tmpdir(), "bb-transcript-"));
    const path = transcriptPath(gitDir, "bb-7", 2);
    expect(path).toBe(join(gitDir, "beadboard", "transcripts", "bb-7", "2.jsonl"));
    const sink = fileTranscript(path, () => new Date("2026-01-01T00:00:00Z"));
    sink({ step: 1, kind: "tool", tool: "read_file", text: "x".repeat(TRANSCRIPT_FIELD_MAX + 500) });
    sink({ step: 1, kind: "end", stop: "finish" });
    const lines = readFileSync(path, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]?.text).toBe(`${"x".repeat(TRANSCRIPT_FIELD_MAX)}… [500 more characters cut]`);
    expect(lines[1]).toEqual({ at: "2026-01-01T00:00:00.000Z", step: 1, kind: "end", stop: "finish" });
  });

  it("a new attempt's number is past every transcript already there, and at least the bead's next attempt", () => {
    const gitDir = mkdtempSync(join(tmpdir(), "bb-transcript-"));
    expect(nextTranscriptAttempt(gitDir, "bb-8", 1)).toBe(1);
    for (const attempt of [1, 2]) fileTranscript(transcriptPath(gitDir, "bb-8", attempt))({ step: 0, kind: "end" });
    writeFileSync(join(gitDir, "beadboard", "transcripts", "bb-8", "notes.txt"), "not a transcript\n");
    expect(nextTranscriptAttempt(gitDir, "bb-8", 1)).toBe(3);
    expect(nextTranscriptAttempt(gitDir, "bb-8", 5)).toBe(5);
  });
});
