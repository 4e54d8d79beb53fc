/**
 * The sensitivity gate: may this context go to this provider? Pure, no I/O.
 *
 * The decision depends only on declared levels, what the detectors find, where the provider
 * is and the board's policy. Nothing the text *says* matters: a bead that asks to be "sent to
 * the cloud" or claims to be public is scanned like any other, which is what makes the gate
 * immune to prompt injection.
 */
import { SENSITIVITIES, sensitivityRank, type Sensitivity } from "../bead/fields.js";
import { KIND_DESCRIPTIONS, detectSensitive, type Finding, type FindingLevel } from "./detectors.js";

export interface GateInput {
  /** Names the input in reasons and logs, e.g. "bead bb-1", "dep bb-2 result", "memory/MEMORY.md". */
  label: string;
  text: string;
  declared: Sensitivity;
  kind: "bead" | "dep" | "memory" | "system";
}

export interface GateRequest {
  beadId: string;
  inputs: GateInput[];
  provider: { name: string; locality: "local" | "remote" };
}

export interface GatePolicy {
  /** The most sensitive context a remote provider may receive. */
  remoteMax: Sensitivity;
  /** No remote provider at all. */
  localOnly: boolean;
  /** The most sensitive context a local provider may receive; default "secret" (everything). */
  localMax?: Sensitivity;
}

export interface GateFinding {
  label: string;
  kind: string;
  level: FindingLevel;
}

export interface GateDecision {
  allowed: boolean;
  /** Effective level: the highest declared or detected level over all inputs. */
  sensitivity: Sensitivity;
  /** A plain sentence naming the input and the finding kind, never the finding itself. */
  reason: string;
  findings: GateFinding[];
  /** UTF-8 bytes of all input texts: what would be sent. */
  bytes: number;
}

export const defaultGatePolicy: Readonly<GatePolicy> = Object.freeze({
  remoteMax: "internal",
  localOnly: false,
  localMax: "secret",
});

interface Assessed {
  input: GateInput;
  level: Sensitivity;
  /** Why the input has its level: the finding that raised it above its declaration, if any. */
  cause: Finding | undefined;
  findings: Finding[];
}

const maxOf = (a: Sensitivity, b: Sensitivity): Sensitivity => (sensitivityRank(a) >= sensitivityRank(b) ? a : b);

function assess(input: GateInput): Assessed {
  const findings = detectSensitive(input.text);
  let level = input.declared;
  let cause: Finding | undefined;
  for (const finding of findings) {
    if (sensitivityRank(finding.level) > sensitivityRank(level)) {
      level = finding.level;
      cause = finding;
    }
  }
  return { input, level, cause, findings };
}

function describe(a: Assessed): string {
  if (a.cause) return `${a.input.label} contains ${KIND_DESCRIPTIONS[a.cause.kind] ?? a.cause.kind} (${a.cause.level})`;
  return `${a.input.label} is declared ${a.level}`;
}

export function decide(request: GateRequest, policy: GatePolicy): GateDecision {
  const assessed = request.inputs.map(assess);
  const sensitivity = assessed.reduce<Sensitivity>((acc, a) => maxOf(acc, a.level), SENSITIVITIES[0]);
  const findings = dedupe(assessed.flatMap((a) => a.findings.map((f) => ({ label: a.input.label, kind: f.kind, level: f.level }))));
  const encoder = new TextEncoder();
  const bytes = request.inputs.reduce((n, input) => n + encoder.encode(input.text).length, 0);
  const provider = request.provider;
  const where = `${provider.locality} provider ${provider.name}`;
  const decision = (allowed: boolean, reason: string): GateDecision => ({ allowed, sensitivity, reason, findings, bytes });
  // The input that sets the effective level; the first one wins so reasons are stable.
  const worst = assessed.find((a) => a.level === sensitivity);

  if (provider.locality === "remote") {
    if (policy.localOnly) return decision(false, `Refused for ${request.beadId}: the board policy is local-only and ${where} is remote.`);
    // Memory holds what every agent has learned across beads; private memory never leaves
    // the machine whatever the limit for remote providers says.
    const memory = assessed.find((a) => a.input.kind === "memory" && sensitivityRank(a.level) >= sensitivityRank("private"));
    if (memory) return decision(false, `Refused for ${request.beadId}: ${describe(memory)}, and private memory is never sent to a remote provider (${provider.name}).`);
    if (worst && sensitivityRank(sensitivity) > sensitivityRank(policy.remoteMax)) {
      return decision(false, `Refused for ${request.beadId}: ${describe(worst)}, above the ${policy.remoteMax} limit for ${where}.`);
    }
    return decision(true, `Allowed for ${request.beadId}: effective sensitivity ${sensitivity} is within the ${policy.remoteMax} limit for ${where}.`);
  }

  const localMax = policy.localMax ?? "secret";
  if (worst && sensitivityRank(sensitivity) > sensitivityRank(localMax)) {
    return decision(false, `Refused for ${request.beadId}: ${describe(worst)}, above the ${localMax} limit for ${where}.`);
  }
  return decision(true, `Allowed for ${request.beadId}: effective sensitivity ${sensitivity} is within the ${localMax} limit for ${where}.`);
}

function dedupe(findings: GateFinding[]): GateFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.label}\u0000${f.kind}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Text safe to write to logs, metrics and error messages: every finding replaced by its kind.
 * Logs live under .git/beadboard/ and never sync, but they are read by people and pasted into
 * issues, so they get the same care as a remote call.
 */
export function redactForLog(text: string): string {
  let out = "";
  let at = 0;
  for (const f of detectSensitive(text)) {
    out += `${text.slice(at, f.index)}[redacted ${f.kind}]`;
    at = f.index + f.length;
  }
  return out + text.slice(at);
}
