/** Tools that change beads: create, update, close, reopen, dep_add, dep_remove. Each runs the CLI's command. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { currentBranchRef, readRef } from "../git/refs.js";
import { assertMayTouch, beadOut, guarded, readVisibleBead, runCommand, type McpContext } from "./context.js";
import { toolConfig } from "./schemas.js";

type FieldValue = string | number | boolean | null | Array<string | number>;

export function registerWriteTools(server: McpServer, ctx: McpContext): void {
  const dir = ctx.paths.root;
  const { close, reopen, depAdd, depRm, newBead, set } = ctx.commands;
  const head = () => readRef(ctx.paths.gitdir, currentBranchRef(ctx.paths.gitdir));
  /** The CLI prints "<id>: updated" / "<id>: done" for a change and "unchanged" / "already …" for none. */
  const changedResult = (id: string, out: string, before: string | null) => {
    // The command's own words decide; HEAD only names the commit (another writer may have moved it too).
    const changed = !/unchanged|already/.test(out);
    const commit = changed ? head() : null;
    return { id, changed: changed && commit !== before, commit, bead: beadOut(ctx, readAfterWrite(ctx, id)) };
  };

  server.registerTool("create", toolConfig("create"), async (input) =>
    guarded(async () => {
      for (const dep of input.deps ?? []) assertMayTouch(ctx, dep);
      const options = {
        dir,
        json: true,
        body: "-",
        ...(input.priority !== undefined ? { priority: String(input.priority) } : {}),
        ...(input.type ? { type: input.type } : {}),
        ...(input.labels?.length ? { label: input.labels } : {}),
        ...(input.agent ? { agent: input.agent } : {}),
        ...(input.deps?.length ? { dep: input.deps } : {}),
        ...(input.sensitivity ? { sensitivity: input.sensitivity } : {}),
      };
      // The body goes in as the command's stdin (`--body -`), so a body that is literally "-" stays itself.
      const { out } = await runCommand(ctx, newBead, [input.title, options], input.body ?? "");
      const created = JSON.parse(out) as { id: string; path: string };
      return { ...created, bead: beadOut(ctx, readAfterWrite(ctx, created.id)) };
    }),
  );

  server.registerTool("update", toolConfig("update"), async ({ id, fields }) =>
    guarded(async () => {
      assertMayTouch(ctx, id);
      const assignments = Object.entries(fields).map(([key, value]) => `${key}=${encodeValue(value)}`);
      const before = head();
      const { out } = await runCommand(ctx, set, [id, assignments, { dir }]);
      return changedResult(id, out, before);
    }),
  );

  server.registerTool("close", toolConfig("close"), async ({ id, reason }) =>
    guarded(async () => {
      assertMayTouch(ctx, id);
      const before = head();
      const { out } = await runCommand(ctx, close, [id, { dir, ...(reason !== undefined ? { reason } : {}) }]);
      return changedResult(id, out, before);
    }),
  );

  server.registerTool("reopen", toolConfig("reopen"), async ({ id }) =>
    guarded(async () => {
      assertMayTouch(ctx, id);
      const before = head();
      const { out } = await runCommand(ctx, reopen, [id, { dir }]);
      return changedResult(id, out, before);
    }),
  );

  server.registerTool("dep_add", toolConfig("dep_add"), async ({ id, blocker }) =>
    guarded(async () => {
      assertMayTouch(ctx, id);
      assertMayTouch(ctx, blocker);
      await runCommand(ctx, depAdd, [id, blocker, { dir }]);
      return { id, deps: readAfterWrite(ctx, id).fields.deps };
    }),
  );

  server.registerTool("dep_remove", toolConfig("dep_remove"), async ({ id, blocker }) =>
    guarded(async () => {
      assertMayTouch(ctx, id);
      await runCommand(ctx, depRm, [id, blocker, { dir }]);
      return { id, deps: readAfterWrite(ctx, id).fields.deps };
    }),
  );
}

/**
 * A typed value as `bead set` reads `key=value`: JSON is YAML, so a string goes quoted (it stays
 * a string: "1" is not the number 1), numbers, booleans and lists as themselves, null as `key=`
 * (remove the field).
 */
export function encodeValue(value: FieldValue): string {
  return value === null ? "" : JSON.stringify(value);
}

/**
 * The bead a tool just wrote, whatever its level: the client wrote it, or saw it before its write
 * (a remote client may set sensitivity=private on a bead it could see; it learns nothing new).
 */
function readAfterWrite(ctx: McpContext, id: string) {
  return readVisibleBead({ ...ctx, visibleMax: undefined }, id);
}
