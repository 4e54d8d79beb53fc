/**
 * `bead mcp`: the board as a Model Context Protocol server over stdio. Every tool is a thin shell
 * over the CLI's own command code (see context.ts), so claims, edits and errors are the CLI's.
 * Loaded only by `bead mcp`: the SDK stays out of every other command's start-up.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Readable, Writable } from "node:stream";
import type { Sensitivity } from "../bead/fields.js";
import type { BoardPaths } from "../board/paths.js";
import { claimerName, registerClaimTools } from "./claim-tools.js";

export { validClaimerName } from "./claim-tools.js";
export { checkMcpServer } from "./doctor-check.js";
export { serveHttp } from "./http.js";
import type { BoardCommands, McpContext } from "./context.js";
import { registerMemoryTools } from "./memory-tools.js";
import { registerReadTools } from "./read-tools.js";
import { registerResources } from "./resources.js";
import { registerWriteTools } from "./write-tools.js";

export interface McpServeOptions {
  paths: BoardPaths;
  env: NodeJS.ProcessEnv;
  /** The CLI's commands the tools run (see BoardCommands). */
  commands: BoardCommands;
  /** `--as`: the claimer's name; else the client's name from initialize. */
  as?: string;
  /** Set for a remote client: the most sensitive level it may see (the board's policy.remote_max). */
  visibleMax?: Sensitivity;
  version: string;
}

export function buildMcpServer(options: McpServeOptions): McpServer {
  const server = new McpServer(
    { name: "beadboard", version: options.version },
    { instructions: "A git-native bead board. Find work with `ready`, take it with `claim`, record progress with `update`, finish with `close`; `memory_read` before, `memory_append` after." },
  );
  const ctx: McpContext = {
    paths: options.paths,
    env: options.env,
    commands: options.commands,
    claimer: () => claimerName(options.as, server.server.getClientVersion()?.name),
    visibleMax: options.visibleMax,
  };
  registerReadTools(server, ctx);
  registerWriteTools(server, ctx);
  registerClaimTools(server, ctx);
  registerMemoryTools(server, ctx);
  registerResources(server, ctx);
  return server;
}

/** Serves until the client closes the connection (stdin ends) or the signal aborts. */
export async function serveStdio(options: McpServeOptions, stdin: Readable, stdout: Writable, signal?: AbortSignal): Promise<void> {
  const server = buildMcpServer(options);
  const transport = new StdioServerTransport(stdin, stdout);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    stdin.once("end", () => resolve());
    signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
