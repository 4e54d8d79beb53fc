/**
 * Resources: each bead (`bead://<id>`), the shared memory (`board://memory/MEMORY.md`) and each
 * agent file (`board://agents/<name>`). A remote client lists and reads only what it may see;
 * a refused read is a JSON-RPC error with the CLI's message.
 */
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { loadBoard } from "../board/load.js";
import { InvalidArgumentError, NotFoundError } from "../errors.js";
import { validClaimerName } from "./claim-tools.js";
import { readVisibleBead, visibleInList, type McpContext } from "./context.js";
import { readVisibleMemory } from "./memory-tools.js";

const AGENT_FILE_BYTES = 256 * 1024;

export function registerResources(server: McpServer, ctx: McpContext): void {
  server.registerResource(
    "bead",
    new ResourceTemplate("bead://{id}", {
      list: async () => {
        const board = await loadBoard(ctx.paths);
        const shown = board.beads.filter((bead) => visibleInList(ctx, bead.id, bead.fields.sensitivity));
        return { resources: shown.map((bead) => ({ uri: `bead://${bead.id}`, name: bead.id, title: bead.fields.title, mimeType: "text/markdown" })) };
      },
    }),
    { description: "A bead file: YAML front-matter and markdown body", mimeType: "text/markdown" },
    async (uri, { id }) => {
      const bead = readVisibleBead(ctx, String(id));
      return { contents: [{ uri: uri.href, mimeType: "text/markdown", text: readFileSync(join(ctx.paths.root, bead.path), "utf8") }] };
    },
  );

  server.registerResource("memory", "board://memory/MEMORY.md", { description: "Long-term memory shared by all agents", mimeType: "text/markdown" }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: "text/markdown", text: await readVisibleMemory(ctx, "memory/MEMORY.md") }],
  }));

  server.registerResource(
    "agent",
    new ResourceTemplate("board://agents/{name}", {
      list: async () => ({ resources: agentNames(ctx).map((name) => ({ uri: `board://agents/${name}`, name, mimeType: "text/markdown" })) }),
    }),
    { description: "An agent file: provider, model, takes, clearance and its system prompt", mimeType: "text/markdown" },
    async (uri, { name }) => ({ contents: [{ uri: uri.href, mimeType: "text/markdown", text: readAgentFile(ctx, String(name)) }] }),
  );
}

function agentNames(ctx: McpContext): string[] {
  try {
    return readdirSync(ctx.paths.agentsDir)
      .filter((file) => file.endsWith(".md"))
      .map((file) => file.slice(0, -3))
      .filter(validClaimerName)
      .sort();
  } catch {
    return [];
  }
}

function readAgentFile(ctx: McpContext, name: string): string {
  if (!validClaimerName(name)) throw new InvalidArgumentError(`${JSON.stringify(name)} is not an agent name`);
  const file = join(ctx.paths.agentsDir, `${name}.md`);
  let stat;
  try {
    stat = lstatSync(file);
  } catch {
    throw new NotFoundError("agent", name, `no file agents/${name}.md`);
  }
  if (!stat.isFile()) throw new InvalidArgumentError(`agents/${name}.md is not a regular file (a symlink is never followed out of the board)`);
  if (stat.size > AGENT_FILE_BYTES) throw new InvalidArgumentError(`agents/${name}.md is over ${AGENT_FILE_BYTES} bytes`);
  return readFileSync(file, "utf8");
}
