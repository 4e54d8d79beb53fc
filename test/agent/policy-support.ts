/**
 * Rigs for the issue-6 integration tests: a real git board, one Ollama double bound to
 * 127.0.0.1 as the LOCAL model server and another as the "remote host" (it is on loopback too,
 * so remote agents say `locality: remote` in their agent files), and `supervise --once`.
 */
import { boardPaths } from "../../src/board/paths.js";
import { supervise, type SuperviseResult } from "../../src/agent/supervisor.js";
import { readMetricsFile } from "../../src/stats/read.js";
import type { MetricRecord } from "./support.js";
import { startOllamaDouble, type OllamaDouble, type RecordedRequest, type Reply, type ReplySource } from "../helpers/ollama-double.js";
import { gitEnv, makeTempBoard, type TempBoard } from "../helpers/temp-board.js";

export interface Rig {
  board: TempBoard;
  local: OllamaDouble;
  remote: OllamaDouble;
  logs: string[];
  run(options?: { agents?: string[]; localOnly?: boolean }): Promise<SuperviseResult>;
  metrics(): MetricRecord[];
  /** Every commit subject on the branch, oldest first. */
  subjects(): string[];
  close(): Promise<void>;
}

export interface AgentSpec {
  name: string;
  host?: string;
  locality?: "local" | "remote";
  takes?: string;
  extra?: string[];
  prompt?: string;
  model?: string;
}

export function agentFile(spec: AgentSpec): string {
  const lines = [
    `name: ${spec.name}`,
    "provider: ollama",
    `model: ${spec.model ?? "qwen3:8b"}`,
    ...(spec.host ? [`host: ${spec.host}`] : []),
    ...(spec.locality ? [`locality: ${spec.locality}`] : []),
    `takes: ${spec.takes ?? "{}"}`,
    "lease: 5m",
    "timeout: 30s",
    ...(spec.extra ?? []),
  ];
  return `---\n${lines.join("\n")}\n---\n${spec.prompt ?? `You are ${spec.name}.`}\n`;
}

export function builtinFile(name: string, action: "report" | "write" | "run", extra: string[] = []): string {
  return `---\nname: ${name}\nprovider: builtin\naction: ${action}\nlease: 5m\ntimeout: 10s\n${extra.join("\n")}${extra.length ? "\n" : ""}---\nBuiltin ${action}.\n`;
}

export function beadFile(fields: string[], body = ""): string {
  return `---\n${fields.join("\n")}\n---\n${body}`;
}

/** A structured reply as the model would send it. */
export function replyJson(result: string, outcome: "done" | "failed" | "blocked" = "done", extra: Record<string, unknown> = {}): Reply {
  return { content: JSON.stringify({ result, outcome, memory: [], followups: [], ...extra }) };
}

export function chatRequests(double: OllamaDouble): RecordedRequest[] {
  return double.requests.filter((request) => request.path === "/api/chat" || request.path === "/v1/chat/completions");
}

/** Bytes the double received in request bodies. */
export function bytesReceived(double: OllamaDouble): number {
  return double.requests.reduce((sum, request) => sum + (request.body === undefined ? 0 : Buffer.byteLength(JSON.stringify(request.body))), 0);
}

export async function makeRig(files: (urls: { local: string; remote: string }) => Record<string, string>, replies: { local?: ReplySource; remote?: ReplySource } = {}): Promise<Rig> {
  const local = await startOllamaDouble({ replies: replies.local ?? [replyJson("local result")] });
  const remote = await startOllamaDouble({ replies: replies.remote ?? [replyJson("remote result")] });
  const board = await makeTempBoard(files({ local: local.url, remote: remote.url }));
  const logs: string[] = [];
  const paths = boardPaths(board.dir);
  return {
    board,
    local,
    remote,
    logs,
    run: (options = {}) =>
      supervise({
        paths,
        env: { ...gitEnv(), BEAD_HOST: "testhost", BEAD_ACTOR: "Test Agent <agent@beadboard.test>" },
        once: true,
        log: (line) => logs.push(line),
        ...(options.agents ? { agents: options.agents } : {}),
        ...(options.localOnly ? { localOnly: true } : {}),
      }),
    metrics: () => readMetricsFile(paths.stateDir).lines,
    subjects: () => board.git(["log", "--reverse", "--format=%s"]).trim().split("\n"),
    close: async () => {
      await local.close();
      await remote.close();
      await board.cleanup();
    },
  };
}

/** The text of everything a double was sent, for "this never left" assertions. */
export function everythingSent(double: OllamaDouble): string {
  return double.requests.map((request) => JSON.stringify(request.body ?? "")).join("\n");
}

/** The system prompt of a recorded chat request. */
export function systemOf(request: RecordedRequest): string {
  const body = request.body as { messages?: Array<{ role: string; content: string }> } | undefined;
  return body?.messages?.find((m) => m.role === "system")?.content ?? "";
}
