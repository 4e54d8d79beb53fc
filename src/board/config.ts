import { readBoardFileText } from "./safe-read.js";
import { parse as parseYaml } from "yaml";
import { ConfigError, ParseError } from "../errors.js";
import { parseDuration } from "../time/duration.js";
import { SENSITIVITIES, type Sensitivity } from "../bead/fields.js";

/** Bounds on follow-up beads agents create; the rule that applies them is agent/followup-limit.ts. */
export interface FollowupLimits {
  /** Follow-ups one bead may have (default 3). */
  perBead: number;
  /** A follow-up of a follow-up … at most this deep (default 2: parent → child → grandchild). */
  depth: number;
  /** Follow-ups created by agents on the whole board in any hour (default 30). */
  perHour: number;
}

export const DEFAULT_FOLLOWUP_LIMITS: FollowupLimits = { perBead: 3, depth: 2, perHour: 30 };

/** .beadboard.yml, parsed once at the edge into typed values. Every setting is optional. */
export interface BoardConfig {
  prefix: string;
  remote?: { url: string; branch: string; tokenEnv: string; username: string };
  /** approve: bead categories (labels, `type:<t>`, `*`) remote agents may take without a person's `escalation: approved`. */
  policy: { remoteMax: Sensitivity; localOnly: boolean; approve?: string[] };
  memoryCapBytes: number;
  tokenBudget: number;
  maxAttempts: number;
  routerAgent?: string;
  syncInterval?: string;
  /** `locality: { <agent>: local|remote }`: a person's pin over the host rule and the agent file. */
  localityPins?: Record<string, "local" | "remote">;
  /** `max_lease: 8h`: the longest lease a claim may take (default 24 h). */
  maxLeaseMs?: number;
  /** `max_reply_bytes`: a model reply past this is aborted (default 4 MiB). */
  maxReplyBytes?: number;
  /** `followups: { per_bead, depth, per_hour }`: bounds on beads agents create (agent/followup-limit.ts). */
  followups: FollowupLimits;
  /** `mcp: { remote: true }`: every `bead mcp` client of this board is treated as remote (sees up to policy.remote_max). */
  mcpRemote?: boolean;
}

export const DEFAULT_CONFIG: BoardConfig = {
  prefix: "bb",
  policy: { remoteMax: "internal", localOnly: false },
  memoryCapBytes: 64 * 1024,
  tokenBudget: 8192,
  maxAttempts: 3,
  followups: DEFAULT_FOLLOWUP_LIMITS,
};

export async function readBoardConfig(configFile: string): Promise<BoardConfig> {
  let text: string;
  try {
    text = readBoardFileText(configFile, ".beadboard.yml", 256 * 1024);
  } catch (error) {
    if (error instanceof ParseError) throw new ConfigError(error.message, { file: configFile });
    return structuredClone(DEFAULT_CONFIG);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 10 }) ?? {};
  } catch (error) {
    throw new ConfigError(`${configFile}: invalid YAML: ${(error as Error).message.split("\n")[0]}`, { file: configFile });
  }
  return toConfig(raw, configFile);
}

function toConfig(raw: unknown, file: string): BoardConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ConfigError(`${file}: expected key: value settings`, { file });
  const record = raw as Record<string, unknown>;
  const config = structuredClone(DEFAULT_CONFIG);
  if (record.prefix !== undefined) config.prefix = asString(record.prefix, "prefix", file);
  const policy = asRecord(record.policy, "policy", file);
  if (policy.remote_max !== undefined) {
    const value = asString(policy.remote_max, "policy.remote_max", file);
    if (!(SENSITIVITIES as readonly string[]).includes(value)) {
      throw new ConfigError(`${file}: policy.remote_max must be one of ${SENSITIVITIES.join(", ")}`, { file });
    }
    config.policy.remoteMax = value as Sensitivity;
  }
  if (record.local_only !== undefined || policy.local_only !== undefined) {
    config.policy.localOnly = (record.local_only ?? policy.local_only) === true;
  }
  if (policy.approve !== undefined) {
    const approve = typeof policy.approve === "string" ? [policy.approve] : policy.approve;
    if (!Array.isArray(approve) || approve.some((entry) => typeof entry !== "string" || entry.trim() === "")) {
      throw new ConfigError(`${file}: policy.approve must be a list of labels, type:<type> or *`, { file, key: "policy.approve" });
    }
    config.policy.approve = approve.map(String);
  }
  if (record.locality !== undefined) {
    const pins = asRecord(record.locality, "locality", file);
    const out: Record<string, "local" | "remote"> = {};
    for (const [name, value] of Object.entries(pins)) {
      if (value !== "local" && value !== "remote") throw new ConfigError(`${file}: locality.${name} must be local or remote`, { file, key: `locality.${name}` });
      out[name] = value;
    }
    config.localityPins = out;
  }
  if (record.max_lease !== undefined) {
    try {
      config.maxLeaseMs = parseDuration(record.max_lease as string | number, "max_lease");
    } catch (error) {
      throw new ConfigError(`${file}: ${(error as Error).message}`, { file, key: "max_lease" });
    }
  }
  if (record.max_reply_bytes !== undefined) config.maxReplyBytes = asNumber(record.max_reply_bytes, "max_reply_bytes", file);
  if (record.memory_cap_bytes !== undefined) config.memoryCapBytes = asNumber(record.memory_cap_bytes, "memory_cap_bytes", file);
  if (record.token_budget !== undefined) config.tokenBudget = asNumber(record.token_budget, "token_budget", file);
  if (record.max_attempts !== undefined) config.maxAttempts = asNumber(record.max_attempts, "max_attempts", file);
  if (record.router !== undefined) config.routerAgent = asString(record.router, "router", file);
  if (record.sync_interval !== undefined) config.syncInterval = asString(record.sync_interval, "sync_interval", file);
  if (record.followups !== undefined) {
    const limits = asRecord(record.followups, "followups", file);
    config.followups = {
      perBead: limits.per_bead === undefined ? config.followups.perBead : asCount(limits.per_bead, "followups.per_bead", file),
      depth: limits.depth === undefined ? config.followups.depth : asCount(limits.depth, "followups.depth", file),
      perHour: limits.per_hour === undefined ? config.followups.perHour : asCount(limits.per_hour, "followups.per_hour", file),
    };
  }
  if (record.mcp !== undefined) {
    const mcp = asRecord(record.mcp, "mcp", file);
    if (mcp.remote !== undefined && typeof mcp.remote !== "boolean") throw new ConfigError(`${file}: mcp.remote must be true or false`, { file, key: "mcp.remote" });
    if (mcp.remote === true) config.mcpRemote = true;
  }
  if (record.remote !== undefined) {
    const remote = typeof record.remote === "string" ? { url: record.remote } : asRecord(record.remote, "remote", file);
    config.remote = {
      url: asString(remote.url, "remote.url", file),
      branch: remote.branch === undefined ? "main" : asString(remote.branch, "remote.branch", file),
      tokenEnv: remote.token_env === undefined ? "BEAD_TOKEN" : asString(remote.token_env, "remote.token_env", file),
      username: remote.username === undefined ? "beadboard" : asString(remote.username, "remote.username", file),
    };
  }
  return config;
}

function asRecord(value: unknown, key: string, file: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ConfigError(`${file}: ${key} must be a map of settings`, { file, key });
  return value as Record<string, unknown>;
}

function asString(value: unknown, key: string, file: string): string {
  if (typeof value !== "string" || value === "") throw new ConfigError(`${file}: ${key} must be text`, { file, key });
  return value;
}

function asNumber(value: unknown, key: string, file: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${file}: ${key} must be a positive number`, { file, key });
  }
  return value;
}

/** 0 is a count too: `per_bead: 0` turns follow-ups off. */
function asCount(value: unknown, key: string, file: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new ConfigError(`${file}: ${key} must be a whole number, 0 or more`, { file, key });
  return value;
}
