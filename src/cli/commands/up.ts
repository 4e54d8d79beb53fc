import { supervise } from "../../agent/supervisor.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { EXIT } from "../exit-codes.js";
import { InvalidArgumentError } from "../../errors.js";
import { untilTerminated } from "../terminate.js";

interface UpOptions extends GlobalOptions {
  once?: boolean;
  agents?: string;
  localOnly?: boolean;
  webhook?: string;
}

/** `bead up`: every agent of the board (or --agents a,b) in this process. */
export async function up(io: CliIo, options: UpOptions): Promise<number> {
  const agents = options.agents?.split(",").map((name) => name.trim()).filter(Boolean);
  return runAgents(io, options, agents);
}

/** `bead agent start <name>`: one agent, e.g. for one systemd unit per agent. */
export async function agentStart(io: CliIo, name: string, options: UpOptions): Promise<number> {
  return runAgents(io, options, [name]);
}

async function runAgents(io: CliIo, options: UpOptions, agents: string[] | undefined): Promise<number> {
  const paths = boardFor(io, options);
  const log = (line: string) => io.err(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const termination = untilTerminated();
  // Recurring beads (issue 17) are made only by a long-running `bead up`, not by a one-shot run.
  const recurring = options.once ? undefined : await (await import("../../recur/run.js")).startRecurring({ paths, env: io.env, log });
  const result = await supervise({
    paths,
    env: io.env,
    once: options.once === true,
    localOnly: options.localOnly === true,
    log,
    signal: termination.signal,
    ...(agents ? { agents } : {}),
    ...(options.webhook !== undefined ? { webhookPort: parseWebhookPort(options.webhook) } : {}),
  }).finally(() => {
    termination.dispose();
    recurring?.stop();
  });
  const summary = Object.entries(result.outcomes)
    .map(([agent, outcomes]) => `${agent}: ${Object.entries(outcomes).map(([outcome, count]) => `${count} ${outcome}`).join(", ") || "nothing to do"}`)
    .join("; ");
  io.out(`${summary}\n`);
  const stoppedBy = termination.exitCode();
  if (stoppedBy !== undefined) return stoppedBy;
  const unreachable = Object.values(result.outcomes).some((outcomes) => (outcomes.unreachable ?? 0) > 0);
  return unreachable ? EXIT.failure : EXIT.ok;
}

function parseWebhookPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError(`--webhook takes a port number from 1 to 65535, got ${value}`);
  return port;
}
