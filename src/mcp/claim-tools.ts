/** claim and release: the CLI's claims (board lock, compare-and-swap, push on a synced board). */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { assertMayTouch, guarded, runCommand, type McpContext } from "./context.js";
import { toolConfig } from "./schemas.js";

export function registerClaimTools(server: McpServer, ctx: McpContext): void {
  const dir = ctx.paths.root;
  const { claim, release } = ctx.commands;

  server.registerTool("claim", toolConfig("claim"), async ({ id, lease }) =>
    guarded(async () => {
      assertMayTouch(ctx, id);
      const { out } = await runCommand(ctx, claim, [id, { dir, json: true, as: ctx.claimer(), lease: lease ?? "15m" }]);
      return JSON.parse(out) as Record<string, unknown>;
    }),
  );

  server.registerTool("release", toolConfig("release"), async ({ id }) =>
    guarded(async () => {
      assertMayTouch(ctx, id);
      await runCommand(ctx, release, [id, { dir, as: ctx.claimer() }]);
      return { id, released: true };
    }),
  );
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Who claims: `--as` when given, else the name the client sent in initialize ("claude-code"),
 * made into an agent name (letters, digits, . _ -), else "mcp". A client name is untrusted text.
 */
export function claimerName(as: string | undefined, clientName: string | undefined): string {
  if (as !== undefined) return as;
  const cleaned = (clientName ?? "").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 64);
  return NAME.test(cleaned) ? cleaned : "mcp";
}

/** `--as` is checked once at start-up, with the rule agent names follow. */
export function validClaimerName(name: string): boolean {
  return NAME.test(name);
}
