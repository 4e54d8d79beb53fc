/**
 * The snippets `bead init` writes so that coding agents find `bead mcp`: `.mcp.json` (Claude
 * Code's project servers) and `.qwen/settings.json` (Qwen Code's). Pure: what to write, and how
 * to add our server to a file the person already has without touching anything else of theirs.
 */

export const MCP_SERVER_NAME = "beadboard";

/** npx finds bead in node_modules/.bin or the global bin; --no-install never fetches the unrelated npm package "bead". */
export const MCP_SERVER = { command: "npx", args: ["--no-install", "bead", "mcp"] } as const;

export const MCP_CLIENT_FILES = [
  { path: ".mcp.json", client: "Claude Code" },
  { path: ".qwen/settings.json", client: "Qwen Code" },
] as const;

export const MCP_CLIENT_CONFIG = `${JSON.stringify({ mcpServers: { [MCP_SERVER_NAME]: MCP_SERVER } }, null, 2)}\n`;

/**
 * Our server added to a client config the person already has: their file re-serialised only when
 * it is a plain JSON object (no comments: JSON.stringify would drop them), and left alone when it
 * already names a `beadboard` server (theirs wins). Otherwise a note with the block to add by hand.
 */
export function withMcpServer(path: string): (existing: string) => { content: string } | { note: string } | undefined {
  return (existing) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(existing);
    } catch {
      return { note: `${path} is not plain JSON (comments?); left as it is: add ${JSON.stringify({ [MCP_SERVER_NAME]: MCP_SERVER })} under "mcpServers" to use bead mcp` };
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { note: `${path} is not a JSON object; left as it is` };
    const config = parsed as Record<string, unknown>;
    const servers = config.mcpServers;
    if (servers !== undefined && (typeof servers !== "object" || servers === null || Array.isArray(servers))) return { note: `${path}: mcpServers is not an object; left as it is` };
    if (servers && MCP_SERVER_NAME in servers) return undefined;
    const eol = existing.includes("\r\n") ? "\r\n" : "\n";
    const indent = /^([ \t]+)"/m.exec(existing)?.[1] ?? "  ";
    const next = { ...config, mcpServers: { ...(servers as Record<string, unknown> | undefined), [MCP_SERVER_NAME]: MCP_SERVER } };
    return { content: `${JSON.stringify(next, null, indent).replace(/\n/g, eol)}${eol}` };
  };
}
