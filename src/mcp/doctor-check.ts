/**
 * `bead doctor`'s check of `bead mcp`: start it as a client would (a child process on stdio),
 * complete the handshake, list its tools, hang up. Bounded: 15 s in all.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { TOOLS } from "./schemas.js";

export interface McpCheck {
  ok: boolean;
  detail: string;
}

export async function checkMcpServer(bin: string, boardRoot: string, env: NodeJS.ProcessEnv, timeoutMs = 15_000): Promise<McpCheck> {
  if (!bin) return { ok: false, detail: "this installation's bin/bead.js was not found" };
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, "mcp", "-C", boardRoot],
    cwd: boardRoot,
    env: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === "string")),
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-2000);
  });
  const client = new Client({ name: "bead-doctor", version: "1" });
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await client.connect(transport, { signal, timeout: timeoutMs });
    const { tools } = await client.listTools({}, { signal, timeout: timeoutMs });
    const missing = Object.keys(TOOLS).filter((name) => !tools.some((tool) => tool.name === name));
    if (missing.length > 0) return { ok: false, detail: `starts, but lacks tools ${missing.join(", ")}` };
    return { ok: true, detail: `starts and lists ${tools.length} tools` };
  } catch (error) {
    const why = stderr.trim().split("\n").at(-1) || (error instanceof Error ? error.message : String(error));
    return { ok: false, detail: `does not start: ${why}` };
  } finally {
    await client.close().catch(() => undefined);
  }
}
