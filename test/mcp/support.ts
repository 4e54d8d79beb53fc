/**
 * Rig for the MCP tests: `bead mcp` as a real child process (the installed bin/bead.js and its
 * bundles, so `npm run build` first), spoken to by the SDK's own Client over stdio.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { gitEnv } from "../helpers/temp-board.js";

export const BEAD_BIN = fileURLToPath(new URL("../../bin/bead.js", import.meta.url));
const MCP_BUNDLE = fileURLToPath(new URL("../../dist/bundle/mcp.cjs", import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(MCP_BUNDLE)) throw new Error("dist/bundle/mcp.cjs is missing: run `npm run build` before the MCP tests");
}

export interface McpSession {
  client: Client;
  stderr: () => string;
  /** Calls a tool; returns its result as the client got it (isError included). */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** Starts `bead mcp ...args` in `dir` and completes the initialize handshake as `clientName`. */
export async function startMcp(dir: string, args: string[] = [], clientName = "test-client", env: NodeJS.ProcessEnv = {}): Promise<McpSession> {
  assertBuilt();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BEAD_BIN, "mcp", ...args],
    cwd: dir,
    env: { ...(gitEnv() as Record<string, string>), BEAD_HOST: "test", BEAD_CODE_CACHE: "0", ...(env as Record<string, string>) },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const client = new Client({ name: clientName, version: "1.0.0" });
  await client.connect(transport);
  return {
    client,
    stderr: () => stderr,
    call: async (name, callArgs = {}) => (await client.callTool({ name, arguments: callArgs })) as CallToolResult,
    close: () => client.close(),
  };
}

/** The text of a tool error (`E_CODE: message`), failing loudly when the call did not fail. */
export function errorText(result: CallToolResult): string {
  if (!result.isError) throw new Error(`expected a tool error, got ${JSON.stringify(result.structuredContent)}`);
  const first = result.content[0];
  return first && first.type === "text" ? first.text : "";
}

export function structured<T = Record<string, unknown>>(result: CallToolResult): T {
  if (result.isError) throw new Error(`tool error: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}
