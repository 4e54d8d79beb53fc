/** Read-only tools: ready, list, search, show, lint, log. Each runs the CLI's command with --json. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Sensitivity } from "../bead/fields.js";
import { beadOut, guarded, readVisibleBead, runCommand, visibleInList, type McpContext } from "./context.js";
import { toolConfig } from "./schemas.js";

type BeadJson = Record<string, unknown> & { id?: unknown; sensitivity?: Sensitivity };

export function registerReadTools(server: McpServer, ctx: McpContext): void {
  const { ls, ready, lint, log, search } = ctx.commands;
  const onlyVisible = (items: BeadJson[]) => items.filter((item) => visibleInList(ctx, String(item.id), item.sensitivity ?? "internal"));

  server.registerTool("ready", toolConfig("ready"), async ({ agent }) =>
    guarded(async () => {
      const { out } = await runCommand(ctx, ready, [{ dir: ctx.paths.root, json: true, ...(agent ? { agent } : {}) }]);
      return { beads: onlyVisible(JSON.parse(out) as BeadJson[]) };
    }),
  );

  server.registerTool("list", toolConfig("list"), async ({ status, agent, label }) =>
    guarded(async () => {
      const query = { dir: ctx.paths.root, json: true, ...(status?.length ? { status } : {}), ...(agent ? { agent } : {}), ...(label?.length ? { label } : {}) };
      const { out } = await runCommand(ctx, ls, [query]);
      return { beads: onlyVisible(JSON.parse(out) as BeadJson[]) };
    }),
  );

  server.registerTool("search", toolConfig("search"), async ({ query, all, limit }) =>
    guarded(async () => {
      const options = { dir: ctx.paths.root, json: true, ...(all ? { all } : {}), ...(limit !== undefined ? { limit: String(limit) } : {}) };
      const { out } = await runCommand(ctx, search, [[query], options]);
      return { hits: onlyVisible(JSON.parse(out) as BeadJson[]) };
    }),
  );

  server.registerTool("show", toolConfig("show"), async ({ id }) => guarded(async () => ({ bead: beadOut(ctx, readVisibleBead(ctx, id)) })));

  server.registerTool("lint", toolConfig("lint"), async () =>
    guarded(async () => {
      const { out } = await runCommand(ctx, lint, [[], { dir: ctx.paths.root, json: true }]);
      const problems = JSON.parse(out) as Array<{ path: string }>;
      return { problems: problems.filter((problem) => problemVisible(ctx, problem.path)) };
    }),
  );

  server.registerTool("log", toolConfig("log"), async ({ id }) =>
    guarded(async () => {
      if (ctx.visibleMax !== undefined) readVisibleBead(ctx, id);
      const { out } = await runCommand(ctx, log, [id, { dir: ctx.paths.root, json: true }]);
      return { entries: JSON.parse(out) as unknown[] };
    }),
  );
}

/** A remote client sees problems of files outside beads/ and of beads it may see; a bead too broken to read has no known level, so it stays hidden. */
function problemVisible(ctx: McpContext, path: string): boolean {
  if (ctx.visibleMax === undefined) return true;
  const match = /^beads\/(.+)\.md$/.exec(path);
  if (!match?.[1]) return !path.startsWith("beads/");
  try {
    readVisibleBead(ctx, match[1]);
    return true;
  } catch {
    return false;
  }
}
