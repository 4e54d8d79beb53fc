/**
 * What every MCP tool shares: the board, who this client is, how much it may see, and the one
 * way a tool runs the CLI's own command code in-process and turns errors into MCP tool errors.
 *
 * Why the tools run the command functions (src/cli/commands/*.ts) with an in-memory io instead
 * of re-implementing them on the board modules: the rules of `set`, `new`, `close`, `dep add`
 * (protected claim fields, value parsing, cycle checks, validate-before-write, id minting) live
 * there, and other surfaces must not drift from them. Nothing is shelled out: the same process
 * calls the same functions, with the same errors and messages.
 */
import { existsSync, lstatSync } from "node:fs";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { sensitivityRank, type BeadWithBody, type Sensitivity, type Status } from "../bead/fields.js";
import { assertValidId } from "../bead/ids.js";
import { beadPath, type BoardPaths } from "../board/paths.js";
import { parseBeadFile } from "../board/read-bead.js";
import { markedLevel } from "../agent/derived-level.js";
import { isBeadboardError, NotFoundError } from "../errors.js";

/** The io a command writes through (the shape of cli/io.ts's CliIo). */
export interface CommandIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: (text: string | Uint8Array) => void;
  err(text: string): void;
  readStdin(): Promise<string>;
  columns: number | undefined;
  isTTY: boolean;
}

type Where = { dir: string; json?: boolean };

/**
 * The CLI's command functions the tools run, and the `show --json` form of a bead. `bead mcp`
 * (src/cli/commands/mcp.ts) passes them in, so that mcp/ sits below cli/ in the layer order
 * (docs/ARCHITECTURE.md, Layout) while still running the very same code.
 */
export interface BoardCommands {
  ls(io: CommandIo, options: Where & { status?: Status[]; agent?: string; label?: string[] }): Promise<void>;
  ready(io: CommandIo, options: Where & { agent?: string }): Promise<void>;
  search(io: CommandIo, words: string[], options: Where & { all?: boolean; limit?: string }): Promise<void>;
  lint(io: CommandIo, paths: string[], options: Where): Promise<number>;
  log(io: CommandIo, id: string, options: Where): Promise<void>;
  claim(io: CommandIo, id: string, options: Where & { as: string; lease: string }): Promise<void>;
  release(io: CommandIo, id: string, options: Where & { as: string }): Promise<void>;
  close(io: CommandIo, id: string, options: Where & { reason?: string }): Promise<void>;
  reopen(io: CommandIo, id: string, options: Where): Promise<void>;
  depAdd(io: CommandIo, id: string, blocker: string, options: Where): Promise<void>;
  depRm(io: CommandIo, id: string, blocker: string, options: Where): Promise<void>;
  newBead(io: CommandIo, title: string, options: Where & { body?: string; priority?: string; type?: string; label?: string[]; agent?: string; dep?: string[]; sensitivity?: string }): Promise<void>;
  set(io: CommandIo, id: string, assignments: string[], options: Where): Promise<void>;
  beadJson(bead: BeadWithBody): Record<string, unknown>;
}

export interface McpContext {
  paths: BoardPaths;
  commands: BoardCommands;
  env: NodeJS.ProcessEnv;
  /** The claimer's name: `--as`, else the client's name from initialize (see claimerName). */
  claimer(): string;
  /** The most sensitive level this client may see; undefined: everything (a local client). */
  visibleMax: Sensitivity | undefined;
}

/** Runs one CLI command function with output captured; returns what it printed to stdout. */
export async function runCommand<A extends unknown[]>(
  ctx: McpContext,
  command: (io: CommandIo, ...args: A) => Promise<number | void>,
  args: A,
  stdin = "",
): Promise<{ out: string; code: number }> {
  let out = "";
  const io: CommandIo = {
    cwd: ctx.paths.root,
    env: ctx.env,
    out: (text) => {
      out += typeof text === "string" ? text : Buffer.from(text).toString("utf8");
    },
    // Warnings on stderr (skipped files) are for a terminal; a tool's answer is its result.
    err: () => {},
    readStdin: async () => stdin,
    columns: 100,
    isTTY: false,
  };
  const code = await command(io, ...args);
  return { out, code: typeof code === "number" ? code : 0 };
}

export function visible(ctx: McpContext, sensitivity: Sensitivity): boolean {
  return ctx.visibleMax === undefined || sensitivityRank(sensitivity) <= sensitivityRank(ctx.visibleMax);
}

/**
 * How private a bead is: its declared level, raised by any `<!-- sensitivity: -->` marker in its
 * body. A public bead whose result was built from a private one carries that marker
 * (agent/derived-level.ts), so privacy follows the data to MCP clients too.
 */
export function beadLevel(bead: BeadWithBody): Sensitivity {
  return markedLevel(bead.body, bead.fields.sensitivity);
}

/**
 * The bead as `show --json` has it, refused as "not found" when this client may not see it: a
 * remote client learns nothing of a private bead, not even that it exists.
 */
export function readVisibleBead(ctx: McpContext, id: string): BeadWithBody {
  assertValidId(id);
  const file = join(ctx.paths.root, beadPath(id));
  // lstat: a symlink in beads/ is never followed out of the board.
  if (!existsSync(file) || !lstatSync(file).isFile()) throw new NotFoundError("bead", id, `no file ${beadPath(id)}`);
  const bead = parseBeadFile(file, id);
  if (!visible(ctx, beadLevel(bead))) throw new NotFoundError("bead", id, `no file ${beadPath(id)}`);
  return bead;
}

/**
 * For lists (ready, list, search, resources): whether this client may see the bead `id`, whose
 * declared level the list already has. A remote client also gets the derived level, which needs
 * the body: the file is read (lstat first, bounded by the bead parser); one it cannot read is hidden.
 */
export function visibleInList(ctx: McpContext, id: string, declared: Sensitivity): boolean {
  if (ctx.visibleMax === undefined) return true;
  if (!visible(ctx, declared)) return false;
  try {
    readVisibleBead(ctx, id);
    return true;
  } catch {
    return false;
  }
}

/** Checks visibility before a write; a bead that does not exist is left to the command's own error. */
export function assertMayTouch(ctx: McpContext, id: string): void {
  assertValidId(id);
  if (ctx.visibleMax === undefined) return;
  if (existsSync(join(ctx.paths.root, beadPath(id)))) readVisibleBead(ctx, id);
}

export function beadOut(ctx: McpContext, bead: BeadWithBody): Record<string, unknown> & { id: string; path: string; title: string; status: string; body: string } {
  return ctx.commands.beadJson(bead) as Record<string, unknown> & { id: string; path: string; title: string; status: string; body: string };
}

/** A tool's answer: the structured result, and the same as JSON text for clients that read only text. */
export function ok(structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(structured, null, 2) }], structuredContent: structured };
}

/**
 * An MCP tool error with the CLI's code and message (`E_NOT_FOUND: bead not found: x`), never
 * a crash of the server. Anything that is not one of ours is an internal error, said so.
 */
export function toolError(error: unknown): CallToolResult {
  if (isBeadboardError(error)) {
    return { isError: true, content: [{ type: "text", text: `${error.code}: ${error.message}` }], _meta: { "beadboard/error": { code: error.code, message: error.message } } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { isError: true, content: [{ type: "text", text: `E_INTERNAL: internal error: ${message}` }], _meta: { "beadboard/error": { code: "E_INTERNAL", message } } };
}

/** Wraps a tool body so that every failure becomes a tool error. */
export async function guarded(body: () => Promise<Record<string, unknown>>): Promise<CallToolResult> {
  try {
    return ok(await body());
  } catch (error) {
    return toolError(error);
  }
}
