/**
 * Shared rig for the agent tests: boards with agent files pointing at the Ollama double,
 * the real supervisor/runtime/worker wired the way `bead up` wires them, and git read back
 * with the system git CLI (independently of the product's own git code).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadAgents, findAgent } from "../../src/agent/load.js";
import { localClaimer } from "../../src/agent/claimer.js";
import { MetricsLog, type Metric } from "../../src/agent/metrics.js";
import { AgentRuntime } from "../../src/agent/runtime.js";
import { agentLocality, takesOf } from "../../src/agent/select.js";
import { supervise } from "../../src/agent/supervisor.js";
import type { WorkerEnv } from "../../src/agent/worker.js";
import type { BeadWithBody } from "../../src/bead/fields.js";
import { readBoardConfig } from "../../src/board/config.js";
import { boardPaths } from "../../src/board/paths.js";
import { parseBeadFile } from "../../src/board/read-bead.js";
import { writeContext } from "../../src/board/write.js";
import { providerFor } from "../../src/agent/provider-for.js";
import type { OllamaDouble, RecordedRequest } from "../helpers/ollama-double.js";
import { gitEnv, runGit } from "../helpers/temp-board.js";
import { LiveBoard } from "../../src/board/live-board.js";

/** Holders read `<agent>@test`. */
export const HOST = "test";

export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...gitEnv(), BEAD_HOST: HOST, BEAD_ACTOR: "Agent Runner <agents@beadboard.test>", ...extra };
}

/** agents/<name>.md for an Ollama agent on `host`; `lines` are extra front-matter lines. */
export function ollamaAgent(name: string, host: string, lines: string[] = [], body = `You are ${name}. SYSTEM-PROMPT-OF-${name}.`): string {
  return `---\nname: ${name}\nprovider: ollama\nmodel: qwen3:8b\nhost: ${host}\n${lines.map((line) => `${line}\n`).join("")}---\n${body}\n`;
}

export const REPORTER = "---\nname: reporter\nprovider: builtin\naction: report\ntakes: { labels: [report] }\n---\nReports.\n";

export interface ReplyShape {
  result: string;
  outcome: "done" | "blocked" | "failed";
  memory: Array<{ note: string; shared: boolean }>;
  followups: Array<{ title: string; body: string; labels: string[]; priority: number }>;
}

/** A structured reply as the model would write it. */
export function replyJson(partial: Partial<ReplyShape> = {}): string {
  return JSON.stringify({ result: "Work done.", outcome: "done", memory: [], followups: [], ...partial });
}

export interface Logs {
  lines: string[];
  log: (line: string) => void;
}

export function logs(): Logs {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

/** `bead up --once` in this process. */
export async function superviseOnce(dir: string, options: { agents?: string[]; env?: NodeJS.ProcessEnv } = {}) {
  const captured = logs();
  const result = await supervise({ paths: boardPaths(dir), env: testEnv(options.env), once: true, log: captured.log, ...(options.agents ? { agents: options.agents } : {}) });
  return { outcomes: result.outcomes, logs: captured.lines };
}

/** What `supervise` builds for one agent, for driving workBead or one AgentRuntime directly. */
export async function workerEnvFor(dir: string, name: string, captured: Logs = logs()): Promise<WorkerEnv> {
  const paths = boardPaths(dir);
  const env = testEnv();
  const loaded = loadAgents(paths);
  const agent = findAgent(loaded, name);
  const provider = providerFor(agent, env);
  const ctx = writeContext(paths, env);
  const config = await readBoardConfig(paths.configFile);
  return {
    ctx,
    config,
    agent,
    provider,
    locality: agentLocality(agent, provider?.host),
    gatePolicy: { remoteMax: config.policy.remoteMax, localOnly: config.policy.localOnly },
    claimer: localClaimer(ctx, HOST),
    metrics: new MetricsLog(paths.stateDir),
    log: captured.log,
    holding: () => () => undefined,
  };
}

export async function runtimeFor(dir: string, name: string, captured: Logs = logs()): Promise<AgentRuntime> {
  const env = await workerEnvFor(dir, name, captured);
  const loaded = loadAgents(env.ctx.paths);
  const everyone = loaded.agents.map((agent) => takesOf(agent, agentLocality(agent, providerFor(agent, testEnv())?.host)));
  return new AgentRuntime({ ...env, board: new LiveBoard(env.ctx.paths), everyone, serverQueue: undefined });
}

export function bead(dir: string, id: string): BeadWithBody {
  return parseBeadFile(join(dir, "beads", `${id}.md`), id);
}

/** Commit subjects, newest first. */
export async function subjects(dir: string): Promise<string[]> {
  return (await runGit(dir, ["log", "--format=%s"])).split("\n").filter(Boolean);
}

export function metrics(dir: string): Metric[] {
  let text = "";
  try {
    text = readFileSync(join(dir, ".git", "beadboard", "metrics.jsonl"), "utf8");
  } catch {
    return [];
  }
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Metric);
}

export function chats(double: OllamaDouble): RecordedRequest[] {
  return double.requests.filter((request) => request.path === "/api/chat");
}

export interface ChatBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  format?: unknown;
  options?: Record<string, unknown>;
  keep_alive?: unknown;
  stream?: boolean;
}

export function chatBody(request: RecordedRequest | undefined): ChatBody {
  if (!request || typeof request.body !== "object" || request.body === null) throw new Error("no chat request recorded");
  return request.body as ChatBody;
}

/** Poll until `probe` returns something other than undefined/false, or fail after `ms`. */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
